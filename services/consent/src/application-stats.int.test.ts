/**
 * The overview's application counts: a province counts what waits for it as the provider, by stage and
 * past its due date, and asks the other provinces over the consent lanes; those that do not answer are
 * named. 浙江 and 上海 run (built and started), 江苏 and 安徽 do not.
 */
import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { aDataItem, agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsent, type ConsentModule } from './index.js';

const ZJ_PROVIDER = agencyCode('zj');
const conditional = aResource('zj', '330000-SCJG-00001', {
  provider: { creditCode: ZJ_PROVIDER, name: '浙江省市场监督管理局' },
  items: [aDataItem('company_name')],
});
const zjRequester: Principal = aPrincipal({ province: 'zj', sub: 'zj-req', agency: agencyCode('zj', 3) });
const shAdmin: Principal = aPrincipal({
  province: 'sh',
  sub: 'sh-admin',
  agency: agencyCode('sh', 9),
  roles: ['admin'],
});

describe('GET /api/consent/v1/stats/applications across the region', () => {
  let tb: Testbed;
  let catalog: RunningCatalog;
  let zj: ConsentModule;
  let sh: ConsentModule;
  let now = new Date();
  const clock = () => now;

  const call = async (service: ConsentModule, as: Principal, method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await service.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await tb.token(as)}` },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    tb = await createTestbed();
    catalog = await tb.started(
      startCatalog(await tb.deps('zj'), {
        agencies: { nameOf: () => '某单位' },
        seed: [conditional],
        resyncMs: 600_000,
      }),
    );
    const grpcAddress = { catalog: `127.0.0.1:${catalog.grpcPort}` };
    zj = await buildConsent(await tb.deps('zj', { grpcAddress, clock }), { trust: tb.trust, sweepMs: 3_600_000 });
    sh = await buildConsent(await tb.deps('sh', { grpcAddress, clock }), { trust: tb.trust, sweepMs: 3_600_000 });
    for (const m of [zj, sh]) {
      await m.start?.();
      tb.defer(async () => {
        await m.stop?.();
        await m.http.close();
      });
    }
    const apply = async () => {
      const r = await call(zj, zjRequester, 'POST', '/api/consent/v1/applications', {
        resourceId: conditional.id,
        purpose: '企业开办审批',
        legalBasis: '《优化营商环境条例》',
        items: ['company_name'],
        validUntil: new Date(now.getTime() + 365 * 86400_000).toISOString(),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    };
    // one made two months ago (long past its 10 working days), one made now
    now = new Date(Date.now() - 60 * 86400_000);
    await apply();
    now = new Date();
    await apply();
  });
  afterAll(() => tb?.close());

  it('counts this province’s own, asks the others, and names those that did not answer', async () => {
    const r = await call(sh, shAdmin, 'GET', '/api/consent/v1/stats/applications');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const zero = { compliance_review: 0, submitted: 0, second_approval: 0, coordination: 0 };
    expect(r.body.provinces).toEqual([
      { province: 'sh', stages: zero, pending: 0, overdue: 0, asOf: now.toISOString() },
      { province: 'zj', stages: { ...zero, submitted: 2 }, pending: 2, overdue: 1, asOf: now.toISOString() },
    ]);
    expect(r.body.unanswered).toEqual(['js', 'ah']);
  });
});
