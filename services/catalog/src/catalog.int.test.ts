/**
 * The catalogue on real NATS and real databases: the lifecycle through HTTP (versions, withdrawal,
 * history), and regional federation that catches up after a province was away.
 */
import type { DatabaseHandle } from '@yrd/db';
import { openDatabase } from '@yrd/db';
import type { catalogV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCatalog, resourceInput, startCatalog } from './index.js';

const agencies = { nameOf: (code: string) => (code.startsWith('11') ? '测试单位' : undefined) };
const publisher = (p: Province) =>
  aPrincipal({ province: p, sub: `${p}-publisher`, roles: ['publisher'], agency: agencyCode(p) });

/** Waits until `check` holds (federation is eventually consistent). */
async function until(check: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function input(code: string, o: Record<string, unknown> = {}) {
  return {
    resourceCode: code,
    classCode: 'B01-01-01-01',
    name: '企业登记信息',
    providerCreditCode: agencyCode('zj'),
    summary: '市场主体登记',
    items: [
      { name: 'credit_code', label: '统一社会信用代码', grade: 'general', subLevel: 1 },
      { name: 'company_name', label: '企业名称', grade: 'general', subLevel: 1 },
    ],
    keyItems: ['credit_code'],
    sharingTier: 'conditional',
    sharingModes: ['interface'],
    openTier: 'none',
    grade: 'general',
    ...o,
  };
}

describe('catalogue on real NATS', () => {
  let tb: Testbed;
  const catalogs = {} as Record<'sh' | 'zj' | 'js', RunningCatalog>;
  let shDb: DatabaseHandle;

  const start = async (p: 'sh' | 'zj' | 'js', seed: catalogV1.Resource[] = [], db?: DatabaseHandle) =>
    startCatalog(await tb.deps(p, db ? { db } : {}), { agencies, seed, resyncMs: 60_000 });
  const view = async (p: 'sh' | 'zj' | 'js', province: Province) =>
    (await catalogs[p].app.search({ province, page: 1, pageSize: 100 })).items
      .map((r) => `${r.id}@${r.version}`)
      .sort();

  beforeAll(async () => {
    tb = await createTestbed();
    shDb = await openDatabase();
    tb.defer(() => shDb.close());
    catalogs.zj = await tb.started(
      start('zj', [
        aResource('zj', '330000-SCJG-00001', { name: '营业执照信息' }),
        aResource('zj', '330000-SCJG-00002'),
      ]),
    );
    catalogs.js = await tb.started(start('js', [aResource('js', '320000-RSJ-00001')]));
    catalogs.sh = await start('sh', [], shDb);
    tb.defer(() => catalogs.sh.stop());
    for (const c of Object.values(catalogs)) await c.federation.syncAll();
  });
  afterAll(() => tb.close());

  it('every province sees the others’ published entries', async () => {
    expect(await view('sh', 'zj')).toEqual(['zj.330000-SCJG-00001@1', 'zj.330000-SCJG-00002@1']);
    expect(await view('zj', 'js')).toEqual(['js.320000-RSJ-00001@1']);
  });

  it.each([
    ['a bad 统一社会信用代码', { providerCreditCode: '11330000MB1N62174X' }, 400, 'REQUEST.INVALID'],
    ['an unknown class code', { classCode: 'Z09-01-01-01' }, 400, 'CATALOG.UNKNOWN_CLASS_CODE'],
    ['不予共享 without a legal basis', { sharingTier: 'none', sharingModes: [] }, 400, 'CATALOG.LEGAL_BASIS_REQUIRED'],
    [
      'an item graded below its class floor',
      {
        classCode: 'B03-01-01-01',
        items: [{ name: 'credit_code', label: '统一社会信用代码', grade: 'general', subLevel: 1 }],
      },
      400,
      'CATALOG.ITEM_BELOW_FLOOR',
    ],
    [
      'a resource code of another province',
      { resourceCode: '310000-SCJG-00001' },
      400,
      'CATALOG.RESOURCE_CODE_PROVINCE',
    ],
    ['a duplicate resource code', { resourceCode: '330000-SCJG-00001' }, 409, 'CATALOG.DUPLICATE_RESOURCE_CODE'],
  ])('refuses an entry with %s, and writes nothing', async (_what, patch, status, code) => {
    const zj = catalogs.zj.httpUrl;
    const body = input('330000-SCJG-00099', patch);
    const res = await tb.http(zj, publisher('zj'), 'POST', '/api/catalog/v1/resources', body);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    const local = await catalogs.zj.app.search({ q: '企业登记信息', province: 'zj', page: 1, pageSize: 10 });
    expect(local.items.filter((r) => r.resourceCode === '330000-SCJG-00099')).toEqual([]);
    if (code !== 'CATALOG.DUPLICATE_RESOURCE_CODE')
      expect((await tb.http(zj, publisher('zj'), 'GET', '/api/catalog/v1/resources/zj.330000-SCJG-00099')).status).toBe(
        404,
      );
  });

  it('serves the class-code table with its floors', async () => {
    const res = await tb.http(catalogs.zj.httpUrl, publisher('zj'), 'GET', '/api/catalog/v1/classes');
    const classes = res.body.classes as { code: string; level: string; floorLabel?: string }[];
    expect(classes.find((c) => c.code === 'B03-01')).toMatchObject({ level: '项', floorLabel: '一般（2级）' });
    expect(classes.find((c) => c.code === 'B01-01-01-01')).toMatchObject({ level: '细目' });
  });

  it('changes make versions, withdrawal needs a reason, and the history says who did what', async () => {
    const zj = catalogs.zj.httpUrl;
    const me = publisher('zj');
    const created = await tb.http(zj, me, 'POST', '/api/catalog/v1/resources', input('330000-SCJG-00010'));
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const admin = aPrincipal({ province: 'zj', sub: 'zj-admin', roles: ['admin'], agency: agencyCode('zj', 9) });
    // a publisher cannot publish on its own: it submits, and the province admin reviews (审核)
    expect((await tb.http(zj, me, 'POST', `/api/catalog/v1/resources/${id}/publish`)).body).toMatchObject({
      code: 'CATALOG.REVIEW_REQUIRED',
    });
    expect(
      (await tb.http(zj, me, 'POST', `/api/catalog/v1/resources/${id}/review`, { decision: 'approve' })).status,
    ).toBe(403);
    expect((await tb.http(zj, me, 'POST', `/api/catalog/v1/resources/${id}/submit`)).body.status).toBe('submitted');
    expect(
      (await tb.http(zj, admin, 'POST', `/api/catalog/v1/resources/${id}/review`, { decision: 'reject' })).body,
    ).toMatchObject({
      code: 'CATALOG.REASON_REQUIRED',
    });
    expect(
      (
        await tb.http(zj, admin, 'POST', `/api/catalog/v1/resources/${id}/review`, {
          decision: 'reject',
          reason: '摘要不完整',
        })
      ).body.status,
    ).toBe('draft');
    expect((await tb.http(zj, me, 'POST', `/api/catalog/v1/resources/${id}/submit`)).body.status).toBe('submitted');
    const approved = await tb.http(zj, admin, 'POST', `/api/catalog/v1/resources/${id}/review`, {
      decision: 'approve',
    });
    expect(approved.body.status).toBe('published');
    const changed = await tb.http(
      zj,
      me,
      'PUT',
      `/api/catalog/v1/resources/${id}`,
      input('330000-SCJG-00010', { summary: '新的摘要' }),
    );
    expect(changed.body).toMatchObject({ version: 2, status: 'published', summary: '新的摘要' });
    // the version a grant was given for stays readable
    const v1 = await tb.http(zj, me, 'GET', `/api/catalog/v1/resources/${id}/versions/1`);
    expect(v1.body).toMatchObject({ version: 1, summary: '市场主体登记' });

    expect(
      (await tb.http(zj, me, 'PUT', `/api/catalog/v1/resources/${id}`, input('330000-SCJG-00011'))).body,
    ).toMatchObject({
      code: 'CATALOG.RESOURCE_CODE_FIXED',
    });
    const other = aPrincipal({ province: 'zj', roles: ['publisher'], agency: agencyCode('zj', 2) });
    expect(
      (await tb.http(zj, other, 'POST', `/api/catalog/v1/resources/${id}/withdraw`, { reason: '停止提供' })).status,
    ).toBe(403);
    expect(
      (await tb.http(zj, me, 'POST', `/api/catalog/v1/resources/${id}/withdraw`, { reason: ' ' })).body,
    ).toMatchObject({
      code: 'CATALOG.REASON_REQUIRED',
    });
    const withdrawn = await tb.http(zj, me, 'POST', `/api/catalog/v1/resources/${id}/withdraw`, {
      reason: '数据停止更新',
    });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', version: 2 });

    const history = await tb.http(zj, me, 'GET', `/api/catalog/v1/resources/${id}/history`);
    const steps = (
      history.body.history as {
        action: string;
        version: number;
        changedBy: string;
        reason: string;
        changedFields: string[];
      }[]
    ).map((h) => [h.action, h.version, h.changedBy, h.reason, h.changedFields]);
    expect(steps).toEqual([
      ['created', 1, 'zj-publisher', '', []],
      ['submitted', 1, 'zj-publisher', '', []],
      ['rejected', 1, 'zj-admin', '摘要不完整', []],
      ['submitted', 1, 'zj-publisher', '', []],
      ['published', 1, 'zj-admin', '', []],
      ['updated', 2, 'zj-publisher', '', ['summary']],
      ['withdrawn', 2, 'zj-publisher', '数据停止更新', []],
    ]);
    // gone from the regional view elsewhere
    await until(async () => !(await view('js', 'zj')).some((v) => v.startsWith(id)));
  });

  it('a province that was away catches up without missing or duplicating an entry, and blocked no one', async () => {
    await catalogs.sh.stop();
    const me = publisher('zj');
    // while 上海 is away: 浙江 publishes one, withdraws one, changes one
    const fresh = await catalogs.zj.app.create(resourceInput.parse(input('330000-SCJG-00020')), me);
    await catalogs.zj.app.publish(fresh.id, aPrincipal({ province: 'zj', roles: ['admin'] }));
    await catalogs.zj.app.withdraw('zj.330000-SCJG-00001', '并入新目录', me);
    const [b] = (await catalogs.zj.app.search({ q: '', province: 'zj', page: 1, pageSize: 100 })).items.filter(
      (r) => r.id === 'zj.330000-SCJG-00002',
    );
    expect(b).toBeDefined();
    // 江苏 keeps working while 上海 is down: its sync skips 上海 and takes 浙江's changes
    const reached = await catalogs.js.federation.syncAll();
    expect(reached.sort()).toEqual(['zj']);

    catalogs.sh = await start('sh', [], shDb);
    await catalogs.sh.federation.syncAll();
    const zjPublished = (await catalogs.zj.app.snapshot()).map((r) => `${r.id}@${r.version}`).sort();
    expect(await view('sh', 'zj')).toEqual(zjPublished);
    expect(zjPublished).toContain('zj.330000-SCJG-00020@1');
    expect(zjPublished.some((v) => v.startsWith('zj.330000-SCJG-00001@'))).toBe(false);
    expect(await view('sh', 'js')).toEqual(['js.320000-RSJ-00001@1']);
  });
});
