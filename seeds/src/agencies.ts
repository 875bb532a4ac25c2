/**
 * Government agencies of the four provinces (credit code prefix "11" = 机关). The organisation
 * codes are invented; the check character is computed, so every code validates under GB 32100.
 */
import { makeCreditCode, type Province } from '@yrd/region';
import type { SeedAgency } from './types.js';

function agency(province: Province, slug: string, name: string, area: string, org: string): SeedAgency {
  return { creditCode: makeCreditCode('11', area, org), province, name, slug };
}

export const agencies: SeedAgency[] = [
  // 上海市
  agency('sh', 'gaj', '上海市公安局', '310000', '002418701'),
  agency('sh', 'rsj', '上海市人力资源和社会保障局', '310000', '002418728'),
  agency('sh', 'dsj', '上海市大数据中心', '310000', 'MB2C17403'),
  agency('sh', 'jtw', '上海市交通委员会', '310000', '002418744'),
  agency('sh', 'jrj', '上海市地方金融监督管理局', '310000', 'MB2C09816'),
  agency('sh', 'scjgj', '上海市市场监督管理局', '310000', 'MB2C05287'),
  agency('sh', 'wsjkw', '上海市卫生健康委员会', '310000', '002418795'),
  // 江苏省
  agency('js', 'rst', '江苏省人力资源和社会保障厅', '320000', '014000627'),
  agency('js', 'wlt', '江苏省文化和旅游厅', '320000', 'MB1H38520'),
  agency('js', 'scjgj', '江苏省市场监督管理局', '320000', 'MB1H40273'),
  agency('js', 'sthjt', '江苏省生态环境厅', '320000', 'MB1H41145'),
  agency('js', 'jyt', '江苏省教育厅', '320000', '014000563'),
  agency('js', 'sjj', '江苏省数据局', '320000', 'MB2K07731'),
  agency('js', 'szgaj', '苏州市公安局', '320500', '014160908'),
  // 浙江省
  agency('zj', 'scjgj', '浙江省市场监督管理局', '330000', 'MB1N62174'),
  agency('zj', 'dsjj', '浙江省大数据发展管理局', '330000', 'MB1N88352'),
  agency('zj', 'rst', '浙江省人力资源和社会保障厅', '330000', '002484136'),
  agency('zj', 'sthjt', '浙江省生态环境厅', '330000', 'MB1N63049'),
  agency('zj', 'wjw', '浙江省卫生健康委员会', '330000', '002484259'),
  agency('zj', 'hzgaj', '杭州市公安局', '330100', '002500184'),
  // 安徽省
  agency('ah', 'hfhg', '合肥海关', '340100', '485980135'),
  agency('ah', 'scjgj', '安徽省市场监督管理局', '340000', 'MB1Q27405'),
  agency('ah', 'rst', '安徽省人力资源和社会保障厅', '340000', '003012846'),
  agency('ah', 'jtt', '安徽省交通运输厅', '340000', '003012790'),
  agency('ah', 'sthjt', '安徽省生态环境厅', '340000', 'MB1Q28069'),
  agency('ah', 'sjzyj', '安徽省数据资源管理局', '340000', 'MB1Q91637'),
];

/** The agency with `slug` in `province`; throws when the seeds do not define it. */
export function agencyBySlug(province: Province, slug: string): SeedAgency {
  const a = agencies.find((x) => x.province === province && x.slug === slug);
  if (!a) throw new Error(`no seed agency ${province}/${slug}`);
  return a;
}

/** Slug of each province's 数据主管部门 (compliance review, coordination, province admin). */
export const dataAuthoritySlugs: Record<Province, string> = { sh: 'dsj', js: 'sjj', zj: 'dsjj', ah: 'sjzyj' };

export function dataAuthority(province: Province): SeedAgency {
  return agencyBySlug(province, dataAuthoritySlugs[province]);
}

/** Requester organisations that are not government bodies (open-data requesters). */
export interface SeedOrganisation extends SeedAgency {
  kind: 'enterprise' | 'research';
}

export const organisations: SeedOrganisation[] = [
  {
    creditCode: makeCreditCode('91', '310115', 'MA1FL7Q82'),
    province: 'sh',
    name: '沪绿商业银行股份有限公司',
    slug: 'hlyh',
    kind: 'enterprise',
  },
  {
    creditCode: makeCreditCode('12', '320000', '466003218'),
    province: 'js',
    name: '长三角区域发展研究院',
    slug: 'csjy',
    kind: 'research',
  },
];
