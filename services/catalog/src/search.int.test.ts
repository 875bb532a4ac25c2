/**
 * Chinese search through HTTP on a real catalogue: one-character queries, traditional characters,
 * the synonym table (seeded, and kept by the province admin with every refusal coded), and the
 * re-index of entries stored under an older analyser; the total and facets of a search, and the
 * search table (catalog.search_entries) following every change to the catalogue.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '@yrd/auth';
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import type { catalogV1 } from '@yrd/proto';
import { agencyCode, aPrincipal, aResource, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogRepo, catalogMigrations, type RunningCatalog, startCatalog } from './index.js';

const agencies = { nameOf: (code: string) => (code.startsWith('11') ? '测试单位' : undefined) };
const admin = aPrincipal({ province: 'zj', sub: 'zj-admin', roles: ['admin'], agency: agencyCode('zj', 9) });
const publisher = aPrincipal({ province: 'zj', sub: 'zj-publisher', roles: ['publisher'], agency: agencyCode('zj') });
const otherAdmin = aPrincipal({ province: 'js', sub: 'js-admin', roles: ['admin'], agency: agencyCode('js', 9) });

const seed = [
  aResource('zj', '330000-STHJ-00001', { name: '企业碳足迹核算记录', domain: '生态环境' }),
  aResource('zj', '330000-STHJ-00002', { name: '排污许可证信息', summary: '低碳转型企业的排污许可' }),
  aResource('zj', '330000-WJW-00002', { name: '医疗机构执业登记信息', domain: '医疗卫生' }),
  aResource('zj', '330000-WJW-00003', { name: '出生医学证明信息', summary: '新生儿出生医学证明' }),
  aResource('zj', '330000-SCJG-00001', { name: '营业执照信息', domain: '市场监管' }),
  aResource('zj', '330000-RSJ-00001', { name: '社会保险缴费信息' }),
];

describe('Chinese search and the synonym table through HTTP', () => {
  let tb: Testbed;
  let zj: RunningCatalog;
  let db: DatabaseHandle;
  const call = (as: Principal, method: string, path: string, body?: unknown): Promise<Reply> =>
    tb.http(zj.httpUrl, as, method, `/api/catalog/v1${path}`, body);
  const found = async (q: string) =>
    ((await call(publisher, 'GET', `/resources?q=${encodeURIComponent(q)}`)).body.items as { id: string }[]).map(
      (r) => r.id,
    );
  const expectProblem = (r: Reply, status: number, code: string | RegExp) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toMatch(code);
  };

  beforeAll(async () => {
    tb = await createTestbed();
    db = await openDatabase();
    tb.defer(() => db.close());
    zj = await startCatalog(await tb.deps('zj', { db }), { agencies, seed, resyncMs: 60_000 });
  });
  afterAll(async () => {
    await zj.stop();
    await tb.close();
  });

  it('finds entries by one character, in the name first', async () => {
    expect(await found('碳')).toEqual(['zj.330000-STHJ-00001', 'zj.330000-STHJ-00002']);
    expect(await found('照')).toEqual(['zj.330000-SCJG-00001']);
  });

  it('folds traditional characters in the query', async () => {
    expect(await found('醫療機構')).toEqual(['zj.330000-WJW-00002']);
    expect(await found('營業執照')).toEqual(['zj.330000-SCJG-00001']);
  });

  it('expands the everyday short forms of the seeded synonym table', async () => {
    expect(await found('出生证明')).toEqual(['zj.330000-WJW-00003']);
    expect(await found('社保')).toEqual(['zj.330000-RSJ-00001']);
    expect(await found('出生證明')).toEqual(['zj.330000-WJW-00003']);
    const lines = (await call(publisher, 'GET', '/search-synonyms')).body.items as { term: string; synonym: string }[];
    expect(lines).toContainEqual(expect.objectContaining({ term: '出生证明', synonym: '出生医学证明' }));
    expect(lines.length).toBeGreaterThanOrEqual(20);
  });

  it('the province admin adds a line, search uses it at once, and a removal keeps its trail', async () => {
    expect(await found('工商执照')).toEqual([]);
    const added = await call(admin, 'POST', '/search-synonyms', {
      term: '工商執照',
      synonym: '营业执照',
      note: '旧称',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ term: '工商执照', synonym: '营业执照', note: '旧称', createdBy: 'zj-admin' });
    expect(await found('工商执照')).toEqual(['zj.330000-SCJG-00001']);

    const id = String(added.body.id);
    expectProblem(
      await call(admin, 'DELETE', `/search-synonyms/${id}`, { reason: '  ' }),
      400,
      'CATALOG.REASON_REQUIRED',
    );
    const removed = await call(admin, 'DELETE', `/search-synonyms/${id}?reason=${encodeURIComponent('不再使用')}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ removedBy: 'zj-admin', removedReason: '不再使用' });
    expect(await found('工商执照')).toEqual([]);
    // removing it again changes nothing
    expect((await call(admin, 'DELETE', `/search-synonyms/${id}`, { reason: '再次' })).body.removedReason).toBe(
      '不再使用',
    );
    const current = (await call(admin, 'GET', '/search-synonyms')).body.items as { id: string }[];
    expect(current.map((l) => l.id)).not.toContain(id);
    const trail = (await call(admin, 'GET', '/search-synonyms?includeRemoved=true')).body.items as { id: string }[];
    expect(trail).toContainEqual(expect.objectContaining({ id, createdBy: 'zj-admin', removedReason: '不再使用' }));
    // a removed line may be added again
    expect((await call(admin, 'POST', '/search-synonyms', { term: '工商执照', synonym: '营业执照' })).status).toBe(201);
  });

  it.each([
    ['a publisher', publisher, { term: '浙政钉', synonym: '政务钉钉' }, 403, 'CATALOG.ADMIN_REQUIRED'],
    ['another province’s admin', otherAdmin, { term: '浙政钉', synonym: '政务钉钉' }, 403, 'CATALOG.WRONG_PROVINCE'],
    ['the same term twice once folded', admin, { term: '醫保', synonym: '医保' }, 400, 'CATALOG.SYNONYM_SAME'],
    ['a seeded line in reverse order', admin, { term: '社会保险', synonym: '社保' }, 409, 'CATALOG.DUPLICATE_SYNONYM'],
    ['a seeded line in traditional', admin, { term: '社保', synonym: '社會保險' }, 409, 'CATALOG.DUPLICATE_SYNONYM'],
    ['punctuation only', admin, { term: '·/', synonym: '社保' }, 400, 'CATALOG.SYNONYM_NOT_SEARCHABLE'],
    ['a control character', admin, { term: '社\u0007保', synonym: '社会保险' }, 400, 'REQUEST.INVALID'],
    // refused before validation when the HTTP layer screens strings PostgreSQL cannot hold
    ['a NUL', admin, { term: '社\u0000保', synonym: '社会保险' }, 400, /^REQUEST\.(INVALID|UNSUPPORTED_CHARACTER)$/],
    ['tsquery syntax', admin, { term: "社保' | '", synonym: '社会保险' }, 400, 'REQUEST.INVALID'],
    ['a term too long', admin, { term: '长'.repeat(21), synonym: '社会保险' }, 400, 'REQUEST.INVALID'],
    ['an empty term', admin, { term: '  ', synonym: '社会保险' }, 400, 'REQUEST.INVALID'],
    ['no synonym', admin, { term: '社保' }, 400, 'REQUEST.INVALID'],
    ['a number for a term', admin, { term: 12, synonym: '社会保险' }, 400, 'REQUEST.INVALID'],
    [
      'a control character in the note',
      admin,
      { term: '浙政钉', synonym: '政务钉钉', note: 'a\u0008b' },
      400,
      'REQUEST.INVALID',
    ],
  ])('refuses a line from %s', async (_what, as, body, status, code) => {
    const before = ((await call(admin, 'GET', '/search-synonyms?includeRemoved=true')).body.items as unknown[]).length;
    expectProblem(await call(as, 'POST', '/search-synonyms', body), status, code);
    const after = ((await call(admin, 'GET', '/search-synonyms?includeRemoved=true')).body.items as unknown[]).length;
    expect(after).toBe(before);
  });

  it.each([
    ['a publisher', publisher, 'seed-01', 403, 'CATALOG.ADMIN_REQUIRED'],
    ['another province’s admin', otherAdmin, 'seed-01', 403, 'CATALOG.WRONG_PROVINCE'],
    ['an unknown line', admin, 'no-such-line', 404, 'CATALOG.SYNONYM_NOT_FOUND'],
    ['an id that cannot name a line', admin, encodeURIComponent('x y'), 400, 'REQUEST.INVALID'],
  ])('refuses a removal by %s', async (_what, as, id, status, code) => {
    expectProblem(await call(as, 'DELETE', `/search-synonyms/${id}`, { reason: '测试' }), status, code);
  });

  it('refuses a removal reason with a control character', async () => {
    expectProblem(
      await call(admin, 'DELETE', '/search-synonyms/seed-01', { reason: 'a\u0001b' }),
      400,
      'REQUEST.INVALID',
    );
    expect((await call(admin, 'GET', '/search-synonyms')).body.items).toContainEqual(
      expect.objectContaining({ id: 'seed-01' }),
    );
  });

  it('another province’s admin cannot read the table', async () => {
    expectProblem(await call(otherAdmin, 'GET', '/search-synonyms'), 403, 'CATALOG.WRONG_PROVINCE');
  });

  it.each(['%00', 'a%00b', ...["'", "碳':*|'", '!', '&|', '（）', '\\', 'x'.repeat(100)].map(encodeURIComponent)])(
    'answers the query %s without a server error',
    async (q) => {
      const r = await call(publisher, 'GET', `/resources?q=${q}`);
      expect(r.status).toBeLessThan(500);
    },
  );

  it('re-indexes entries stored under an older analyser once, at start', async () => {
    await zj.stop();
    // as an older version left them: bigrams only, no folded name, another analyser version
    await db.db.execute(
      sql`update catalog.resources set search_vector = to_tsvector('simple', 'x'), search_name = null`,
    );
    await db.db.execute(sql`update catalog.meta set value = 'old' where key = 'search_index_version'`);
    zj = await startCatalog(await tb.deps('zj', { db }), { agencies, resyncMs: 60_000 });
    expect(await found('碳')).toEqual(['zj.330000-STHJ-00001', 'zj.330000-STHJ-00002']);
    expect(await new CatalogRepo(db).reindex()).toBe(0);
  });
});

describe('the total and facets of a search, over the search table', () => {
  const agencyA = { creditCode: agencyCode('zj', 1), name: '甲局' };
  const agencyB = { creditCode: agencyCode('js', 2), name: '乙局' };
  const entries: catalogV1.Resource[] = [
    aResource('zj', '330000-SCJG-00101', { name: '营业执照信息', provider: agencyA, domain: '市场监管' }),
    aResource('zj', '330000-SCJG-00102', {
      name: '营业执照变更记录',
      provider: agencyA,
      grade: 'important',
      sharingTier: 'unconditional',
    }),
    aResource('js', '320000-SCJG-00103', {
      name: '个体户登记',
      summary: '个体营业执照',
      provider: agencyB,
      domain: '市场监管',
    }),
    aResource('js', '320000-RSJ-00104', { name: '社会保险缴费信息', provider: agencyB }),
    aResource('zj', '330000-SCJG-00105', { name: '营业执照草稿', provider: agencyA, status: 'draft' }),
  ];
  let db: DatabaseHandle;
  let repo: CatalogRepo;
  const search = (q: string | undefined, more: { province?: string; grade?: string; page?: number } = {}) =>
    repo.search({ q, page: 1, pageSize: 2, ...more });

  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db, 'catalog', catalogMigrations);
    repo = new CatalogRepo(db);
    for (const r of entries) await repo.save(r, 'local', 'tester');
  });
  afterAll(() => db.close());

  it('counts every match once per facet, most first, the agency with its name; drafts are not searched', async () => {
    const r = await search('营业执照');
    expect(r.total).toBe(3);
    expect(r.items.map((e) => e.id)).toEqual(['zj.330000-SCJG-00101', 'zj.330000-SCJG-00102']);
    expect(r.facets).toEqual({
      province: [
        { value: 'zj', count: 2 },
        { value: 'js', count: 1 },
      ],
      agency: [
        { value: agencyA.creditCode, count: 2, label: '甲局' },
        { value: agencyB.creditCode, count: 1, label: '乙局' },
      ],
      domain: [
        { value: '市场监管', count: 2 },
        { value: '', count: 1 },
      ],
      sharing: [
        { value: 'conditional', count: 2 },
        { value: 'unconditional', count: 1 },
      ],
      open: [{ value: 'none', count: 3 }],
      grade: [
        { value: 'general', count: 2 },
        { value: 'important', count: 1 },
      ],
    });
    // page 2 continues the same order: the summary hit after the name hits
    expect((await search('营业执照', { page: 2 })).items.map((e) => e.id)).toEqual(['js.320000-SCJG-00103']);
  });

  it('narrows the page, the total and every facet by the filters', async () => {
    const r = await search('营业执照', { province: 'zj', grade: 'important' });
    expect(r.total).toBe(1);
    expect(r.items.map((e) => e.id)).toEqual(['zj.330000-SCJG-00102']);
    expect(r.facets.agency).toEqual([{ value: agencyA.creditCode, count: 1, label: '甲局' }]);
    expect(r.facets.sharing).toEqual([{ value: 'unconditional', count: 1 }]);
    const none = await search('营业执照', { province: 'sh' });
    expect(none.total).toBe(0);
    expect(none.items).toEqual([]);
    expect(Object.values(none.facets).every((f) => f.length === 0)).toBe(true);
  });

  it('counts over all published entries without a query, in code order', async () => {
    const r = await search(undefined);
    expect(r.total).toBe(4);
    expect(r.items.map((e) => e.id)).toEqual(['js.320000-RSJ-00104', 'js.320000-SCJG-00103']);
    expect(r.facets.province).toEqual([
      { value: 'js', count: 2 },
      { value: 'zj', count: 2 },
    ]);
  });

  it('follows publishing, changes, withdrawal and removal at once', async () => {
    const draft = entries[4] as catalogV1.Resource;
    await repo.save({ ...draft, status: 'published', version: 2 }, 'local', 'tester');
    expect((await search('营业执照')).total).toBe(4);

    const changed = { ...(entries[2] as catalogV1.Resource), grade: 'core', version: 2 };
    await repo.save(changed, 'local', 'tester');
    expect((await search('个体营业执照')).facets.grade).toEqual([{ value: 'core', count: 1 }]);

    await repo.save({ ...draft, status: 'withdrawn', version: 3 }, 'local', 'tester');
    const after = await search('营业执照');
    expect(after.total).toBe(3);
    expect(after.facets.agency).toContainEqual({ value: agencyA.creditCode, count: 2, label: '甲局' });

    const federated = aResource('sh', '310000-SCJG-00106', { name: '营业执照年报' });
    await repo.save(federated, 'federated', 'sync');
    expect((await search('营业执照', { province: 'sh' })).total).toBe(1);
    await repo.removeFederated(federated.id);
    expect((await search('营业执照', { province: 'sh' })).total).toBe(0);
  });

  it('names each agency once, by the first of the names it published under, in another process at once', async () => {
    // another catalogue process on the same database: its own dictionary of facet values, read before these exist
    const other = new CatalogRepo(db);
    expect((await other.search({ q: '营业执照', page: 1, pageSize: 2 })).facets.domain).toContainEqual({
      value: '市场监管',
      count: 2,
    });
    expect((await other.search({ q: '水质监测', page: 1, pageSize: 2 })).total).toBe(0);
    await repo.save(
      aResource('zj', '330000-SL-00201', { name: '水质监测日报', provider: agencyA, domain: '水利' }),
      'local',
      'tester',
    );
    await repo.save(
      aResource('zj', '330000-SL-00202', {
        name: '水质监测月报',
        provider: { creditCode: agencyA.creditCode, name: '丙局' },
        domain: '水利',
      }),
      'local',
      'tester',
    );
    await repo.save(
      aResource('js', '320000-SL-00203', { name: '水质监测年报', provider: undefined }),
      'local',
      'tester',
    );
    const r = await other.search({ q: '水质监测', page: 1, pageSize: 2 });
    expect(r.total).toBe(3);
    expect(r.items.map((e) => e.id)).toEqual(['js.320000-SL-00203', 'zj.330000-SL-00201']);
    // 丙局 comes before 甲局 in the database's order (as SQL's min(name) over the matches)
    expect(r.facets.agency).toEqual([
      { value: agencyA.creditCode, count: 2, label: '丙局' },
      { value: '', count: 1 },
    ]);
    expect(r.facets.domain).toEqual([
      { value: '水利', count: 2 },
      { value: '', count: 1 },
    ]);
    expect(r.facets.province).toEqual([
      { value: 'zj', count: 2 },
      { value: 'js', count: 1 },
    ]);
    // an agency filter takes every name it published under
    const byAgency = await other.search({ q: '水质监测', agency: agencyA.creditCode, page: 1, pageSize: 5 });
    expect(byAgency.items.map((e) => e.id)).toEqual(['zj.330000-SL-00201', 'zj.330000-SL-00202']);
    expect(await repo.search({ q: '水质监测', page: 1, pageSize: 2 })).toEqual(r);
  });

  it('matches nothing for a filter value no entry has', async () => {
    for (const f of [{ province: 'xx' }, { agency: 'no-such-agency' }, { domain: '无此领域' }, { grade: 'secret' }]) {
      const r = await repo.search({ q: undefined, page: 1, pageSize: 2, ...f });
      expect(r.total).toBe(0);
      expect(r.items).toEqual([]);
      expect(Object.values(r.facets).every((v) => v.length === 0)).toBe(true);
    }
  });

  it.each(['0007', '0008'])('finds the entries stored before migration %s', async (next) => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-catalog-migrations-'));
    const old = await openDatabase();
    try {
      for (const f of readdirSync(catalogMigrations).filter((f) => f < next)) {
        copyFileSync(join(catalogMigrations, f), join(dir, f));
      }
      await migrate(old, 'catalog', dir);
      const before = new CatalogRepo(old);
      const noProvider = aResource('sh', '310000-SCJG-00107', { name: '营业执照注销', provider: undefined });
      for (const r of [...entries, noProvider]) await before.save(r, 'local', 'tester');
      await migrate(old, 'catalog', catalogMigrations);
      const r = await new CatalogRepo(old).search({ q: '营业执照', page: 1, pageSize: 2 });
      expect(r.total).toBe(4);
      expect(r.items.map((e) => e.id)).toEqual(['sh.310000-SCJG-00107', 'zj.330000-SCJG-00101']);
      expect(r.facets.agency).toEqual([
        { value: agencyA.creditCode, count: 2, label: '甲局' },
        { value: '', count: 1 },
        { value: agencyB.creditCode, count: 1, label: '乙局' },
      ]);
      expect(r.facets.province).toEqual([
        { value: 'zj', count: 2 },
        { value: 'js', count: 1 },
        { value: 'sh', count: 1 },
      ]);
      // the search table follows the catalogue after the migration as before it
      await new CatalogRepo(old).save({ ...noProvider, status: 'withdrawn', version: 2 }, 'local', 'tester');
      expect((await new CatalogRepo(old).search({ q: '营业执照', page: 1, pageSize: 2 })).total).toBe(3);
    } finally {
      await old.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
