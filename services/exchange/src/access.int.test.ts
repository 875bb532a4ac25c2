/**
 * Access inside a province follows the agency (issue 10 §2), through HTTP: a subscription is its
 * subscribing agency's, and for another agency of the same province (or its admin) it does not exist
 * (404, for a read, its events and a cancellation alike); a data source is configured by the
 * providing agency or the admin, and each publisher lists only its own agency's. Asked through
 * `http.inject()` on exchanges built but never listening.
 */
import type { Principal } from '@yrd/auth';
import { envSecrets } from '@yrd/config';
import { notFound } from '@yrd/errors';
import { catalogV1, startGrpcServer, unary } from '@yrd/proto';
import { agencyCode, aPrincipal, aResource, createTestbed, type Reply, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionRepo } from './adapters/subscription-db.js';
import type { Subscription } from './app/subscriptions.js';
import { buildExchange, type ExchangeModule } from './index.js';

const SH_JTW = agencyCode('sh', 4);
const SH_DSJ = agencyCode('sh', 5);
const ZJ_DSJJ = agencyCode('zj', 2);
const ZJ_SCJG = agencyCode('zj', 3);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const users = {
  jtwRequester: aPrincipal({ province: 'sh', sub: 'sh-jtw-req', agency: SH_JTW, roles: ['requester'] }),
  dsjRequester: aPrincipal({ province: 'sh', sub: 'sh-dsj-req', agency: SH_DSJ, roles: ['requester'] }),
  jtwPublisher: aPrincipal({ province: 'sh', sub: 'sh-jtw-pub', agency: SH_JTW, roles: ['publisher'] }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
  shAuditor: aPrincipal({ province: 'sh', sub: 'sh-auditor', agency: agencyCode('sh', 9), roles: ['auditor'] }),
  jsRequester: aPrincipal({ province: 'js', sub: 'js-req', agency: SH_JTW, roles: ['requester'] }),
  dsjjPublisher: aPrincipal({ province: 'zj', sub: 'zj-dsjj-pub', agency: ZJ_DSJJ, roles: ['publisher'] }),
  scjgPublisher: aPrincipal({ province: 'zj', sub: 'zj-scjg-pub', agency: ZJ_SCJG, roles: ['publisher'] }),
  zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin'] }),
};

/** 浙江's catalogue: one entry of 大数据局, one of 市场监管局 */
const dsjjEntry = aResource('zj', '330000-DSJ-00301', { provider: { creditCode: ZJ_DSJJ, name: '大数据局' } });
const scjgEntry = aResource('zj', '330000-SCJG-00301', { provider: { creditCode: ZJ_SCJG, name: '市场监管局' } });

/** a subscription of 上海's 交通委, as the requester side keeps it once the provider allowed it */
const jtwSubscription: Subscription = {
  side: 'requester',
  id: 'sh-sub-6a0c2f4e-1b3d-4c5e-8f70-9a1b2c3d4e5f',
  resourceId: dsjjEntry.id,
  providerProvince: 'zj',
  requesterProvince: 'sh',
  requester: { userId: users.jtwRequester.sub, agency: SH_JTW, roles: ['requester'], kind: 'government' },
  purpose: '港口集疏运监测',
  grantId: 'zj-grant-0001',
  items: [],
  grantedItems: ['company_name'],
  masking: {},
  status: 'active',
  endCode: '',
  endReason: '',
  endedAt: '',
  endPending: false,
  createdAt: new Date().toISOString(),
};

describe('exchange records follow the agency, not only the province', () => {
  let tb: Testbed;
  let sh: ExchangeModule;
  let zj: ExchangeModule;
  const call = async (at: ExchangeModule, who: Principal, method: Method, url: string, body?: unknown) => {
    const res = await at.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await tb.token(who)}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
    return { status: res.statusCode, headers, body: res.json() } satisfies Reply;
  };
  const subs = (who: Principal, method: Method, path = '') =>
    call(sh, who, method, `/api/exchange/v1/subscriptions${path}`);
  const sources = (who: Principal, method: Method, resourceId?: string, body?: unknown) =>
    call(zj, who, method, `/api/exchange/v1/sources${resourceId ? `/${resourceId}` : ''}`, body);
  /** built, never started: stop() closes its gRPC clients, then its HTTP app closes */
  const built = async (building: Promise<ExchangeModule>) => {
    const exchange = await building;
    tb.defer(async () => {
      await exchange.stop?.();
      await exchange.http.close();
    });
    return exchange;
  };

  beforeAll(async () => {
    tb = await createTestbed();
    const catalog = await startGrpcServer(
      (s) => {
        const impl: catalogV1.CatalogServiceServer = {
          getResource: unary('catalog.GetResource', async (req: catalogV1.GetResourceRequest) => {
            const entry = [dsjjEntry, scjgEntry].find((e) => e.id === req.id);
            if (!entry) throw notFound('CATALOG.NOT_FOUND', `no resource ${req.id}`);
            return { resource: entry, negativeListing: undefined };
          }),
        };
        s.addService(catalogV1.CatalogServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.catalog.v1.CatalogService'] },
    );
    tb.defer(() => catalog.stop());
    const shDeps = await tb.deps('sh', { grpcAddress: { consent: '127.0.0.1:1' } });
    sh = await built(buildExchange(shDeps, {}));
    expect(await new SubscriptionRepo(shDeps.db).insert(jtwSubscription)).toBe(true);
    zj = await built(
      buildExchange(
        await tb.deps('zj', { grpcAddress: { consent: '127.0.0.1:1', catalog: `127.0.0.1:${catalog.port}` } }),
        { sources: { secrets: envSecrets({}), production: false } },
      ),
    );
  });
  afterAll(() => tb?.close());

  it('another agency of the same province, its admin and its auditor do not see a subscription', async () => {
    const id = jtwSubscription.id;
    for (const who of [users.dsjRequester, users.shAdmin, users.shAuditor, users.jtwPublisher]) {
      for (const [method, path] of [
        ['GET', `/${id}`],
        ['GET', `/${id}/events`],
        ['DELETE', `/${id}`],
      ] as const) {
        const res = await subs(who, method, path);
        // the role check of the route comes first for staff who never subscribe; either way no id leaks
        const expected = who.roles.includes('requester')
          ? [404, 'EXCHANGE.SUBSCRIPTION_NOT_FOUND']
          : [403, 'AUTH.ROLE_REQUIRED'];
        expect([res.status, res.body.code], `${who.sub} ${method} ${path}`).toEqual(expected);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    // the same answer as for an id that does not exist
    const made = await subs(users.dsjRequester, 'GET', '/sh-sub-00000000-0000-4000-8000-000000000000');
    expect([made.status, made.body.code]).toEqual([404, 'EXCHANGE.SUBSCRIPTION_NOT_FOUND']);
    // a requester of another province with the same agency code is not the subscribing agency either
    const js = await subs(users.jsRequester, 'GET', `/${id}`);
    expect([js.status, js.body.code]).toEqual([404, 'EXCHANGE.SUBSCRIPTION_NOT_FOUND']);
    expect((await subs(users.dsjRequester, 'GET')).body.items).toEqual([]);
  });

  it('the subscribing agency sees it, its events and its list', async () => {
    const one = await subs(users.jtwRequester, 'GET', `/${jtwSubscription.id}`);
    expect([one.status, one.body.id, one.body.status]).toEqual([200, jtwSubscription.id, 'active']);
    const events = await subs(users.jtwRequester, 'GET', `/${jtwSubscription.id}/events`);
    expect([events.status, events.body.events]).toEqual([200, []]);
    const list = await subs(users.jtwRequester, 'GET');
    expect((list.body.items as { id: string }[]).map((s) => s.id)).toEqual([jtwSubscription.id]);
  });

  it('a data source: configured by the providing agency or the admin, listed only to them', async () => {
    const body = { kind: 'http', url: 'http://127.0.0.1:9/dsjj' };
    const set = await sources(users.dsjjPublisher, 'PUT', dsjjEntry.id, body);
    expect(set.status, JSON.stringify(set.body)).toBe(200);

    // the entry is published, so another agency is told why it may not (403), not that it is missing
    for (const [method, payload] of [
      ['PUT', body],
      ['DELETE', undefined],
    ] as const) {
      const res = await sources(users.scjgPublisher, method, dsjjEntry.id, payload);
      expect([res.status, res.body.code], method).toEqual([403, 'EXCHANGE.SOURCE_NOT_PROVIDER']);
    }
    const mine = await sources(users.scjgPublisher, 'GET');
    expect(mine.body.items).toEqual([]);
    const theirs = await sources(users.dsjjPublisher, 'GET');
    expect((theirs.body.items as { resourceId: string }[]).map((s) => s.resourceId)).toEqual([dsjjEntry.id]);
    const all = await sources(users.zjAdmin, 'GET');
    expect((all.body.items as { resourceId: string }[]).map((s) => s.resourceId)).toEqual([dsjjEntry.id]);
    // the admin may configure any entry of the province
    expect((await sources(users.zjAdmin, 'DELETE', dsjjEntry.id)).status).toBe(200);
  });
});
