/**
 * Search relevance over the seeded regional catalogue (43 entries of the four provinces), through the
 * catalogue's real search on PGlite: what people type — one character, short forms, traditional
 * characters, full-width letters — must find the entries they mean, where they must rank.
 */
import { CatalogApp, CatalogRepo, catalogMigrations } from '@yrd/catalog';
import { type DatabaseHandle, migrate, openDatabase } from '@yrd/db';
import { agencies, resources } from '@yrd/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedToResource } from './seed-mapping.js';

interface Case {
  q: string;
  /** must be the first results, in any order */
  top?: string[];
  /** must be among the results */
  has?: string[];
  /** the results are exactly `top` and `has` */
  only?: boolean;
}

const carbon = ['js.320000-STHJ-00001', 'zj.330000-STHJ-00001', 'ah.340000-STHJ-00001'];
const socialInsurance = ['sh.310000-RSJ-00003', 'js.320000-RSJ-00001', 'ah.340000-RSJ-00001'];
const hospitals = ['sh.310000-WSJKW-00002', 'zj.330000-WJW-00002'];
const businessLicence = ['zj.330000-SCJG-00001', 'ah.340000-SCJG-00001'];
const birth = 'sh.310000-WSJKW-00001';
const residence = ['sh.310000-GA-00002', 'js.320500-GA-00001'];

const cases: Case[] = [
  // one character
  { q: '碳', top: carbon, has: ['sh.310000-JRJ-00001'], only: true },
  { q: '桥', top: ['ah.340000-JTT-00002'], only: true },
  { q: '客', top: ['js.320000-WL-00001', 'sh.310000-JTW-00002'] },
  { q: '锅', top: ['js.320000-SCJG-00001'], only: true },
  { q: '照', top: businessLicence, has: ['zj.330100-GA-00001'] },
  // everyday short forms (the synonym table)
  { q: '出生证明', top: [birth], only: true },
  { q: '社保', top: socialInsurance, has: ['sh.310000-GA-00002'] },
  { q: '社保缴费', top: socialInsurance },
  { q: '社会保险', top: socialInsurance },
  { q: '医保', has: [birth] },
  { q: '户口', top: ['sh.310000-GA-00001'], has: [birth] },
  { q: '执照', top: businessLicence },
  { q: '排污证', top: ['zj.330000-STHJ-00002'] },
  { q: '食品许可', top: ['sh.310000-SCJG-00001'], only: true },
  { q: '身份证', has: ['sh.310000-GA-00001', 'js.320000-RSJ-00001', 'zj.330000-RSJ-00001', 'ah.340000-HFHG-00003'] },
  { q: '市监', has: ['zj.330000-SCJG-00002'] },
  // traditional characters
  { q: '醫療機構', top: hospitals, only: true },
  { q: '出生證明', top: [birth], only: true },
  { q: '營業執照', top: businessLicence },
  { q: '碳足跡', top: carbon, has: ['sh.310000-JRJ-00001'], only: true },
  { q: '健康檔案', top: ['zj.330000-WJW-00001'], only: true },
  { q: '行政處罰', top: ['zj.330000-SCJG-00002'] },
  { q: '臺', has: ['zj.330100-GA-00001'] },
  // full-width and latin
  { q: 'AEO', top: ['ah.340000-HFHG-00002'], only: true },
  { q: 'ＡＥＯ', top: ['ah.340000-HFHG-00002'], only: true },
  // what already worked keeps working
  { q: '碳足迹', top: carbon, has: ['sh.310000-JRJ-00001'], only: true },
  { q: '医疗机构执业登记', top: hospitals, only: true },
  { q: '营业执照', top: businessLicence },
  { q: '客流', top: ['js.320000-WL-00001', 'sh.310000-JTW-00002'], only: true },
  { q: '景区', top: ['js.320000-WL-00001', 'js.320000-WL-00002'], only: true },
  { q: '危险品', top: ['ah.340000-HFHG-00001'], has: ['sh.310000-JTW-00001', 'ah.340000-JTT-00003'] },
  { q: '危险货物', top: ['sh.310000-JTW-00001', 'ah.340000-JTT-00003'], has: ['ah.340000-HFHG-00001'] },
  { q: '海关', top: ['ah.340000-HFHG-00002', 'ah.340000-HFHG-00003'], has: ['ah.340000-HFHG-00001'] },
  { q: '居住证', top: residence },
  { q: '户籍', top: ['sh.310000-GA-00001'] },
  { q: '排污', top: ['zj.330000-STHJ-00002', 'js.320000-STHJ-00002'] },
  { q: '学历', top: ['js.320000-JYT-00001'], only: true },
  { q: '食品', top: ['sh.310000-SCJG-00001', 'zj.330000-SCJG-00003'] },
  { q: '就业', top: ['sh.310000-RSJ-00002', 'zj.330000-RSJ-00001'] },
  { q: '职业培训', top: ['zj.330000-RSJ-00002'], only: true },
  { q: '随申办', top: ['sh.310000-DSJ-00001'], has: ['zj.330000-DSJ-00001'], only: true },
  { q: '浙里办', top: ['zj.330000-DSJ-00001'], only: true },
  { q: '护照', top: ['zj.330100-GA-00001'], only: true },
  { q: '异常名录', top: ['js.320000-SCJG-00002'], only: true },
  { q: '电梯', top: ['js.320000-SCJG-00001'], only: true },
  { q: '监测', top: ['js.320000-STHJ-00002', 'ah.340000-JTT-00002'] },
  { q: '运单', top: ['ah.340000-JTT-00003'], only: true },
  { q: '计量', top: ['ah.340000-SCJG-00002'], only: true },
  { q: '许可证', top: ['sh.310000-SCJG-00001', 'zj.330000-STHJ-00002'], has: ['ah.340000-JTT-00001'] },
  { q: '绿色金融', has: ['sh.310000-JRJ-00001', ...carbon] },
  { q: '碳 绿色', top: ['sh.310000-JRJ-00001'], has: carbon, only: true },
  // nothing there
  { q: '量子计算', top: [], only: true },
];

describe('search relevance over the seeded catalogue', () => {
  let h: DatabaseHandle;
  let app: CatalogApp;

  beforeAll(async () => {
    h = await openDatabase();
    await migrate(h, 'catalog', catalogMigrations);
    const names = new Map(agencies.map((a) => [a.creditCode, a.name]));
    const repo = new CatalogRepo(h);
    await repo.saveMany(
      resources.map((r) => ({ resource: seedToResource(r, names.get(r.providerCreditCode) ?? '', '2026-01-01') })),
      'local',
      'seed',
    );
    app = new CatalogApp('zj', repo, { nameOf: (c) => names.get(c) }, { announce: async () => {} }, () => new Date());
  });
  afterAll(() => h.close());

  it('covers the seeded catalogue with at least 30 queries', () => {
    expect(resources).toHaveLength(43);
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ['臺', '台'],
    ['醫療機構', '医疗机构'],
    ['碳足跡', '碳足迹'],
    ['營業執照', '营业执照'],
    ['社會保險', '社会保险'],
    ['戶籍', '户籍'],
    ['衞生', '卫生'],
  ])('%s finds what %s finds, in the same order', async (traditional, simplified) => {
    const ids = async (q: string) => (await app.search({ q, page: 1, pageSize: 50 })).items.map((r) => r.id);
    const expected = await ids(simplified);
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids(traditional)).toEqual(expected);
  });

  it.each(cases.map((c) => [c.q, c] as const))('%s', async (q, c) => {
    const found = (await app.search({ q, page: 1, pageSize: 50 })).items.map((r) => r.id);
    const top = c.top ?? [];
    expect(found.slice(0, top.length).sort(), `top ${top.length} of ${found.join(' ')}`).toEqual([...top].sort());
    for (const id of c.has ?? []) expect(found, `${id} in ${found.join(' ')}`).toContain(id);
    if (c.only) expect(found.sort()).toEqual([...top, ...(c.has ?? [])].sort());
  });
});
