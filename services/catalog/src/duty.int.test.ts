/**
 * 共享责任清单 and 负面清单 through HTTP on a real catalogue: who may keep the lists, every refusal
 * with its code, the trail of removed lines, and the compliance view read against real entries.
 */
import type { Principal } from '@yrd/auth';
import { agencyCode, aPrincipal, aResource, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCatalog, resourceInput, startCatalog } from './index.js';

const samr = agencyCode('zj', 1);
const hrss = agencyCode('zj', 2);
const psb = agencyCode('zj', 3);
const unregistered = agencyCode('zj', 99);
const names = new Map([
  [samr, '浙江省市场监督管理局'],
  [hrss, '浙江省人力资源和社会保障厅'],
  [psb, '浙江省公安厅'],
]);
const agencies = { nameOf: (code: string) => names.get(code) };

const admin = aPrincipal({ province: 'zj', sub: 'zj-admin', roles: ['admin'], agency: agencyCode('zj', 9) });
const samrPublisher = aPrincipal({ province: 'zj', sub: 'zj-samr', roles: ['publisher'], agency: samr });
const hrssPublisher = aPrincipal({ province: 'zj', sub: 'zj-hrss', roles: ['publisher'], agency: hrss });
/** 2026-03-15 10:00 in China: due dates up to 2026-03-14 have passed */
const now = new Date('2026-03-15T02:00:00.000Z');

const provider = (creditCode: string) => ({ creditCode, name: names.get(creditCode) ?? '' });
const draftInput = (code: string, o: Record<string, unknown>) =>
  resourceInput.parse({
    resourceCode: code,
    summary: '',
    items: [{ name: 'credit_code', label: '统一社会信用代码', grade: 'general', subLevel: 2 }],
    keyItems: ['credit_code'],
    sharingTier: 'conditional',
    sharingModes: ['interface'],
    openTier: 'none',
    grade: 'general',
    ...o,
  });

const duty = (o: Record<string, unknown> = {}) => ({
  agencyCreditCode: samr,
  classCode: 'B01-01-01-01',
  name: '营业执照信息',
  ...o,
});
const negative = (o: Record<string, unknown> = {}) => ({
  classCode: 'A01-01-02',
  reason: '户籍信息涉及公民个人隐私',
  legalBasis: '《中华人民共和国个人信息保护法》第二十八条',
  ...o,
});

describe('duty list, negative list and compliance', () => {
  let tb: Testbed;
  let zj: RunningCatalog;
  const call = (as: Principal, method: string, path: string, body?: unknown): Promise<Reply> =>
    tb.http(zj.httpUrl, as, method, `/api/catalog/v1${path}`, body);
  const created = async (path: string, body: unknown): Promise<string> => {
    const r = await call(admin, 'POST', path, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return String(r.body.id);
  };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tb = await createTestbed();
    zj = await tb.started(
      startCatalog(await tb.deps('zj', { clock: () => now }), {
        agencies,
        seed: [
          aResource('zj', '330000-SCJG-00001', { name: '营业执照信息', provider: provider(samr) }),
          aResource('zj', '330000-SCJG-00002', {
            name: '经营异常名录',
            classCode: 'B01-02-04-01',
            provider: provider(samr),
          }),
          aResource('zj', '330000-GAT-00001', {
            name: '户籍人口信息',
            classCode: 'A01-01-02-01',
            provider: provider(psb),
          }),
          aResource('zj', '330000-GAT-00002', {
            name: '户籍变动信息',
            classCode: 'A01-01-02-02',
            provider: provider(psb),
            sharingTier: 'none',
            legalBasis: '《中华人民共和国户口登记条例》',
          }),
          aResource('zj', '330000-GAT-00003', {
            name: '居住证信息',
            classCode: 'A01-01-04-02',
            provider: provider(psb),
            sharingTier: 'unconditional',
          }),
        ],
      }),
    );
    // a withdrawn entry does not fulfil a duty; drafts and submitted entries are in progress
    await zj.app.withdraw('zj.330000-SCJG-00002', '并入新目录', admin);
    await zj.app.create(
      draftInput('330000-SCJG-00003', {
        classCode: 'B01-01-01-02',
        name: '营业执照变更信息',
        providerCreditCode: samr,
      }),
      samrPublisher,
    );
    const sib = await zj.app.create(
      draftInput('330000-RSJ-00001', {
        classCode: 'B03-01-01-01',
        name: '社会保险缴费信息',
        providerCreditCode: hrss,
      }),
      hrssPublisher,
    );
    await zj.app.submit(sib.id, hrssPublisher);

    ids.licence = await created('/duties', duty({ sharingTier: 'conditional', note: '一网通办高频事项' }));
    ids.change = await created(
      '/duties',
      duty({ classCode: 'B01-01-01-02', name: '营业执照变更信息', dueDate: '2026-12-31' }),
    );
    ids.penalty = await created(
      '/duties',
      duty({ classCode: 'B01-02-03-01', name: '行政处罚信息', dueDate: '2026-01-31' }),
    );
    ids.abnormal = await created('/duties', duty({ classCode: 'B01-02-04-01', name: '经营异常名录' }));
    ids.insurance = await created(
      '/duties',
      duty({ agencyCreditCode: hrss, classCode: 'B03-01-01-01', name: '社会保险缴费信息', dueDate: '2026-02-28' }),
    );
    ids.household = await created('/negative-list', negative());
    ids.residence = await created(
      '/negative-list',
      negative({ classCode: undefined, resourceId: 'zj.330000-GAT-00003', reason: '居住证信息仅限本省核验' }),
    );
  });
  afterAll(() => tb.close());

  it('compliance shows each duty as published, in progress, missing or overdue, and the violations', async () => {
    const r = await call(admin, 'GET', '/compliance');
    expect(r.status).toBe(200);
    expect(r.body.today).toBe('2026-03-15');
    const view = (r.body.agencies as { agency: string; agencyName: string; missing: number }[]).map((a) => [
      a.agency,
      a.agencyName,
      a.missing,
    ]);
    expect(view).toEqual([
      [samr, '浙江省市场监督管理局', 3],
      [hrss, '浙江省人力资源和社会保障厅', 1],
      [psb, '浙江省公安厅', 0],
    ]);
    const [ofSamr, ofHrss, ofPsb] = r.body.agencies;
    const statuses = (a: { duties: { duty: { id: string }; status: string; resourceId?: string }[] }) =>
      a.duties.map((d) => [d.duty.id, d.status, d.resourceId]);
    expect(statuses(ofSamr)).toEqual([
      [ids.licence, 'published', 'zj.330000-SCJG-00001'],
      [ids.change, 'in_progress', 'zj.330000-SCJG-00003'],
      [ids.penalty, 'overdue', undefined],
      [ids.abnormal, 'missing', undefined],
    ]);
    expect(statuses(ofHrss)).toEqual([[ids.insurance, 'overdue', 'zj.330000-RSJ-00001']]);
    expect(ofSamr.violations).toEqual([]);
    // a covered entry shared as none is what the negative list asks for, so GAT-00002 is not listed
    expect(
      (ofPsb.violations as { resourceId: string; name: string; negativeEntry: { id: string } }[]).map((v) => [
        v.resourceId,
        v.name,
        v.negativeEntry.id,
      ]),
    ).toEqual([
      ['zj.330000-GAT-00001', '户籍人口信息', ids.household],
      ['zj.330000-GAT-00003', '居住证信息', ids.residence],
    ]);
  });

  it('a publisher sees its own agency’s compliance and no other', async () => {
    const own = await call(samrPublisher, 'GET', '/compliance');
    expect(own.status).toBe(200);
    expect((own.body.agencies as { agency: string }[]).map((a) => a.agency)).toEqual([samr]);
    expect((await call(samrPublisher, 'GET', `/compliance?agency=${samr}`)).body.agencies[0].missing).toBe(3);

    const other = await call(samrPublisher, 'GET', `/compliance?agency=${hrss}`);
    expect([other.status, other.body.code]).toEqual([403, 'CATALOG.NOT_YOUR_AGENCY']);
    const requester = aPrincipal({ province: 'zj', roles: ['requester'], agency: samr });
    expect((await call(requester, 'GET', '/compliance')).status).toBe(403);
    // the admin asks for one agency; an agency the directory does not know is refused
    const one = await call(admin, 'GET', `/compliance?agency=${hrss}`);
    expect((one.body.agencies as { agency: string }[]).map((a) => a.agency)).toEqual([hrss]);
    expect((await call(admin, 'GET', `/compliance?agency=${unregistered}`)).body.code).toBe('CATALOG.UNKNOWN_AGENCY');
  });

  it('a publisher reads its own duties and the negative list', async () => {
    const mine = await call(hrssPublisher, 'GET', '/duties');
    expect((mine.body.items as { id: string }[]).map((d) => d.id)).toEqual([ids.insurance]);
    expect((await call(hrssPublisher, 'GET', `/duties?agency=${samr}`)).body.code).toBe('CATALOG.NOT_YOUR_AGENCY');
    const list = await call(samrPublisher, 'GET', '/negative-list');
    expect((list.body.items as { id: string }[]).map((n) => n.id).sort()).toEqual(
      [ids.household, ids.residence].sort(),
    );
  });

  it('removing a line keeps it, with who removed it, when and why; the line may be listed again', async () => {
    const body = duty({ agencyCreditCode: hrss, classCode: 'B03-02-01-01', name: '就业登记信息' });
    const id = await created('/duties', body);
    const listed = await call(admin, 'GET', `/duties?agency=${hrss}`);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ id, createdBy: 'zj-admin', createdAt: now.toISOString(), note: '' }),
    );

    const removed = await call(admin, 'DELETE', `/duties/${id}`, { reason: '职责调整 duty moved' });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({
      id,
      removedBy: 'zj-admin',
      removedAt: now.toISOString(),
      removedReason: '职责调整 duty moved',
    });
    // removing again changes nothing
    expect((await call(admin, 'DELETE', `/duties/${id}`)).body.removedReason).toBe('职责调整 duty moved');

    const current = await call(admin, 'GET', '/duties');
    expect((current.body.items as { id: string }[]).map((d) => d.id)).not.toContain(id);
    const trail = await call(admin, 'GET', '/duties?includeRemoved=true');
    expect(trail.body.items).toContainEqual(expect.objectContaining({ id, removedBy: 'zj-admin' }));

    const again = await created('/duties', body);
    expect(again).not.toBe(id);
    // the reason may come in the query when the client sends no DELETE body
    const byQuery = await call(admin, 'DELETE', `/duties/${again}?reason=${encodeURIComponent('重复登记')}`);
    expect(byQuery.body).toMatchObject({ id: again, removedReason: '重复登记' });
  });

  it('a negative-list line is removed with a reason and stays in the trail', async () => {
    const id = await created('/negative-list', negative({ classCode: 'G01-03' }));
    const removed = await call(admin, 'DELETE', `/negative-list/${id}`, { reason: '已有法定共享依据' });
    expect(removed.body).toMatchObject({
      id,
      classCode: 'G01-03',
      removedBy: 'zj-admin',
      removedReason: '已有法定共享依据',
    });
    const current = await call(admin, 'GET', '/negative-list');
    expect((current.body.items as { id: string }[]).map((n) => n.id)).not.toContain(id);
    const trail = await call(admin, 'GET', '/negative-list?includeRemoved=true');
    expect((trail.body.items as { id: string }[]).map((n) => n.id)).toContain(id);
  });

  it('an entry the negative list covers is published only as 不予共享, and a change cannot make it shared', async () => {
    const psbPublisher = aPrincipal({ province: 'zj', sub: 'zj-psb', roles: ['publisher'], agency: psb });
    const body = {
      resourceCode: '330000-GAT-00010',
      classCode: 'A01-01-02-02',
      name: '户籍迁移信息',
      providerCreditCode: psb,
      items: [{ name: 'move_no', label: '迁移证编号', grade: 'general', subLevel: 3 }],
      keyItems: ['move_no'],
      sharingTier: 'conditional',
      sharingModes: ['interface'],
      openTier: 'none',
      grade: 'general',
    };
    const draft = await call(psbPublisher, 'POST', '/resources', body);
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const refused = await call(admin, 'POST', '/resources/zj.330000-GAT-00010/publish');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CATALOG.ON_NEGATIVE_LIST');
    expect(String(refused.body.detail)).toContain('户籍信息涉及公民个人隐私');
    const none = { ...body, sharingTier: 'none', sharingModes: [], legalBasis: '《中华人民共和国户口登记条例》' };
    expect((await call(psbPublisher, 'PUT', '/resources/zj.330000-GAT-00010', none)).status).toBe(200);
    expect((await call(admin, 'POST', '/resources/zj.330000-GAT-00010/publish')).body.status).toBe('published');
    const shared = await call(psbPublisher, 'PUT', '/resources/zj.330000-GAT-00010', body);
    expect(shared.body.code).toBe('CATALOG.ON_NEGATIVE_LIST');
    const stored = await call(psbPublisher, 'GET', '/resources/zj.330000-GAT-00010');
    expect(stored.body).toMatchObject({ sharingTier: 'none', version: 2 });
  });

  it('the routes are described in the API document', async () => {
    const doc = (await (await fetch(`${zj.httpUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    const described = Object.entries(doc.paths)
      .filter(([path]) => /duties|negative-list|compliance/.test(path))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [method, path, Boolean(op.summary)]));
    expect(described.sort()).toEqual(
      [
        ['delete', '/api/catalog/v1/duties/{id}', true],
        ['delete', '/api/catalog/v1/negative-list/{id}', true],
        ['get', '/api/catalog/v1/compliance', true],
        ['get', '/api/catalog/v1/duties', true],
        ['get', '/api/catalog/v1/negative-list', true],
        ['post', '/api/catalog/v1/duties', true],
        ['post', '/api/catalog/v1/negative-list', true],
      ].sort(),
    );
  });

  describe('refusals', () => {
    const refused = async (r: Promise<Reply>, status: number, code: string) => {
      const reply = await r;
      expect([reply.status, reply.body.code]).toEqual([status, code]);
    };

    it('only the province admin writes the lists', async () => {
      await refused(call(samrPublisher, 'POST', '/duties', duty({ name: '新资源' })), 403, 'CATALOG.ADMIN_REQUIRED');
      await refused(
        call(samrPublisher, 'POST', '/negative-list', negative({ classCode: 'B01' })),
        403,
        'CATALOG.ADMIN_REQUIRED',
      );
      await refused(
        call(samrPublisher, 'DELETE', `/duties/${ids.licence}`, { reason: '不想做' }),
        403,
        'CATALOG.ADMIN_REQUIRED',
      );
      await refused(
        call(samrPublisher, 'DELETE', `/negative-list/${ids.household}`, { reason: '不想做' }),
        403,
        'CATALOG.ADMIN_REQUIRED',
      );
      const shAdmin = aPrincipal({ province: 'sh', sub: 'sh-admin', roles: ['admin'] });
      await refused(call(shAdmin, 'POST', '/duties', duty({ name: '新资源' })), 403, 'CATALOG.WRONG_PROVINCE');
    });

    it('a duty names a registered agency by a valid credit code and a known 细目, once', async () => {
      await refused(
        call(admin, 'POST', '/duties', duty({ classCode: 'B01-01-01-09' })),
        400,
        'CATALOG.UNKNOWN_CLASS_CODE',
      );
      // a duty is for one resource: a 类 is not enough
      await refused(call(admin, 'POST', '/duties', duty({ classCode: 'B01' })), 400, 'CATALOG.UNKNOWN_CLASS_CODE');
      const badCheckDigit = `${samr.slice(0, 17)}${samr.endsWith('0') ? '1' : '0'}`;
      await refused(
        call(admin, 'POST', '/duties', duty({ agencyCreditCode: badCheckDigit })),
        400,
        'CATALOG.INVALID_CREDIT_CODE',
      );
      await refused(
        call(admin, 'POST', '/duties', duty({ agencyCreditCode: unregistered })),
        400,
        'CATALOG.UNKNOWN_AGENCY',
      );
      await refused(call(admin, 'POST', '/duties', duty()), 409, 'CATALOG.DUPLICATE_DUTY');
      await refused(
        call(admin, 'POST', '/duties', duty({ name: '新资源', dueDate: '2026-02-30' })),
        400,
        'REQUEST.INVALID',
      );
    });

    it('a removal needs a reason and an existing line', async () => {
      await refused(call(admin, 'DELETE', `/duties/${ids.licence}`), 400, 'CATALOG.REASON_REQUIRED');
      await refused(call(admin, 'DELETE', `/duties/${ids.licence}`, { reason: '  ' }), 400, 'CATALOG.REASON_REQUIRED');
      await refused(call(admin, 'DELETE', `/negative-list/${ids.household}`, {}), 400, 'CATALOG.REASON_REQUIRED');
      await refused(call(admin, 'DELETE', '/duties/no-such-duty', { reason: '清理' }), 404, 'CATALOG.DUTY_NOT_FOUND');
      await refused(
        call(admin, 'DELETE', '/negative-list/no-such-entry', { reason: '清理' }),
        404,
        'CATALOG.NEGATIVE_ENTRY_NOT_FOUND',
      );
      // still current after the refused removals
      const current = await call(admin, 'GET', '/duties');
      expect((current.body.items as { id: string }[]).map((d) => d.id)).toContain(ids.licence);
    });

    it('a negative-list line names one known class or local entry, with a reason and a legal basis, once', async () => {
      await refused(
        call(admin, 'POST', '/negative-list', negative({ classCode: 'Z99' })),
        400,
        'CATALOG.UNKNOWN_CLASS_CODE',
      );
      await refused(
        call(admin, 'POST', '/negative-list', negative({ resourceId: 'zj.330000-GAT-00001' })),
        400,
        'CATALOG.NEGATIVE_TARGET',
      );
      await refused(
        call(admin, 'POST', '/negative-list', negative({ classCode: undefined })),
        400,
        'CATALOG.NEGATIVE_TARGET',
      );
      await refused(
        call(admin, 'POST', '/negative-list', negative({ classCode: undefined, resourceId: 'js.320000-RSJ-00001' })),
        400,
        'CATALOG.UNKNOWN_RESOURCE',
      );
      await refused(
        call(admin, 'POST', '/negative-list', negative({ classCode: 'B01', reason: '' })),
        400,
        'CATALOG.REASON_REQUIRED',
      );
      await refused(
        call(admin, 'POST', '/negative-list', negative({ classCode: 'B01', legalBasis: ' ' })),
        400,
        'CATALOG.LEGAL_BASIS_REQUIRED',
      );
      await refused(call(admin, 'POST', '/negative-list', negative()), 409, 'CATALOG.DUPLICATE_NEGATIVE_ENTRY');
    });
  });
});
