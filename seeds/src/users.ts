/**
 * Seed users. Every name is invented; every ID number is synthetic (valid checksum, no real person).
 * Agency staff ids are `<province>-<agency slug>-<role>`; province-wide roles are `<province>-<role>`.
 */
import { makeCreditCode, makeIdNumber, type Province } from '@yrd/region';
import { agencyBySlug, dataAuthority, organisations } from './agencies.js';
import type { SeedRole, SeedUser } from './types.js';

function staff(province: Province, slug: string, role: SeedRole, name: string): SeedUser {
  return {
    id: `${province}-${slug}-${role}`,
    name,
    province,
    agency: agencyBySlug(province, slug).creditCode,
    roles: [role],
    kind: 'government',
  };
}

/** A publisher and a reviewer for an agency that publishes catalogue entries. */
function desk(province: Province, slug: string, publisher: string, reviewer: string): SeedUser[] {
  return [staff(province, slug, 'publisher', publisher), staff(province, slug, 'reviewer', reviewer)];
}

/** Province-wide roles sit at the province's 数据主管部门. */
function authority(province: Province, role: 'auditor' | 'admin', name: string): SeedUser {
  return {
    id: `${province}-${role}`,
    name,
    province,
    agency: dataAuthority(province).creditCode,
    roles: [role],
    kind: 'government',
  };
}

function organisationRequester(slug: string, name: string): SeedUser {
  const org = organisations.find((o) => o.slug === slug);
  if (!org) throw new Error(`no seed organisation ${slug}`);
  return {
    id: `${org.province}-${slug}-requester`,
    name,
    province: org.province,
    agency: org.creditCode,
    roles: ['requester'],
    kind: org.kind,
  };
}

function subject(id: string, name: string, province: Province, area: string, birth: string, seq: string): SeedUser {
  return {
    id,
    name,
    province,
    agency: '',
    roles: ['subject'],
    kind: 'individual',
    idNumber: makeIdNumber(area, birth, seq),
  };
}

/** Data subjects (持证主体). The first one is the demo subject (see datasets.ts `demoSubject`). */
export const subjects: SeedUser[] = [
  // born in 南京, moved to 上海: transfers social insurance from 江苏 (scenario 2)
  subject('sh-subject-01', '李四海', 'sh', '320106', '19880512', '031'),
  subject('sh-subject-02', '王晓帆', 'sh', '310104', '19920823', '046'),
  subject('js-subject-01', '赵六合', 'js', '320583', '19790301', '057'),
  subject('zj-subject-01', '陈七弦', 'zj', '330106', '19950717', '128'),
  subject('ah-subject-01', '孙八方', 'ah', '340104', '19830930', '219'),
];

/**
 * A company as the holder of its certificates (持证主体, 法人): the licence and permit of 杭州云栖智造
 * (datasets.ts, scenario 1) sit in its 电子证照 wallet; it signs in as the company, not as a person.
 */
export const companyHolders: SeedUser[] = [
  {
    id: 'zj-company-01',
    name: '杭州云栖智造科技有限公司',
    province: 'zj',
    agency: '',
    roles: ['subject'],
    kind: 'enterprise',
    creditCode: makeCreditCode('91', '330106', 'MA2H7K3L1'),
  },
];

export const users: SeedUser[] = [
  // 上海市
  ...desk('sh', 'gaj', '顾立新', '沈佳怡'),
  ...desk('sh', 'rsj', '陆文涛', '黄静怡'),
  ...desk('sh', 'dsj', '蒋子墨', '曹雨桐'),
  ...desk('sh', 'jtw', '严海波', '范若琳'),
  ...desk('sh', 'jrj', '金思远', '邵敏华'),
  ...desk('sh', 'scjgj', '姚晨阳', '许嘉琪'),
  ...desk('sh', 'wsjkw', '施一鸣', '冯婉清'),
  staff('sh', 'rsj', 'requester', '朱建平'), // scenario 2: 社保关系转移接续
  staff('sh', 'scjgj', 'requester', '杨一帆'), // scenario 1: 跨省通办 licence verification
  staff('sh', 'jtw', 'requester', '唐振宇'), // scenario 3: port regulator
  staff('sh', 'jrj', 'requester', '何丽萍'), // scenario 6: green finance
  staff('sh', 'dsj', 'requester', '罗宇航'), // scenario 5: holiday crowd warnings
  organisationRequester('hlyh', '潘绿洲'), // scenario 6: green-finance bank (enterprise, open data)
  authority('sh', 'auditor', '叶秋实'),
  authority('sh', 'admin', '高峻'),
  // 江苏省
  ...desk('js', 'rst', '钱志刚', '孙雅琴'),
  ...desk('js', 'wlt', '周游', '吴晓岚'),
  ...desk('js', 'scjgj', '郑国栋', '王淑芬'),
  ...desk('js', 'sthjt', '冯青山', '陈碧云'),
  ...desk('js', 'jyt', '褚学文', '卫书瑶'),
  ...desk('js', 'szgaj', '蒋卫东', '韩冰洁'),
  staff('js', 'sjj', 'requester', '杨帆远'),
  staff('js', 'scjgj', 'requester', '秦立言'),
  organisationRequester('csjy', '吕知行'),
  authority('js', 'auditor', '许明镜'),
  authority('js', 'admin', '何建华'),
  // 浙江省
  ...desk('zj', 'scjgj', '施浩然', '张雪梅'),
  ...desk('zj', 'dsjj', '孔令辉', '曹文静'),
  ...desk('zj', 'rst', '严卫国', '华晓燕'),
  ...desk('zj', 'sthjt', '金碧涛', '魏清荷'),
  ...desk('zj', 'wjw', '陶仁心', '姜慧敏'),
  ...desk('zj', 'hzgaj', '戚振邦', '谢婉婷'),
  staff('zj', 'dsjj', 'requester', '邹一诺'), // scenario 4: 浙里办 venue booking
  staff('zj', 'rst', 'requester', '柏文轩'),
  authority('zj', 'auditor', '喻明察'),
  authority('zj', 'admin', '苏启航'),
  // 安徽省
  ...desk('ah', 'hfhg', '章远帆', '鲁晓静'),
  ...desk('ah', 'scjgj', '葛长青', '奚美玲'),
  ...desk('ah', 'rst', '范立业', '彭淑贤'),
  ...desk('ah', 'jtt', '马骏驰', '苗雨婷'),
  ...desk('ah', 'sthjt', '凤林森', '花晓蕾'),
  staff('ah', 'hfhg', 'requester', '方正清'), // scenario 3: 一单制 mutual recognition
  staff('ah', 'sjzyj', 'requester', '任思齐'),
  authority('ah', 'auditor', '俞秉正'),
  authority('ah', 'admin', '江淮生'),
  ...subjects,
  ...companyHolders,
];

/** The seed user with `id`; throws when the seeds do not define it. */
export function userById(id: string): SeedUser {
  const u = users.find((x) => x.id === id);
  if (!u) throw new Error(`no seed user ${id}`);
  return u;
}
