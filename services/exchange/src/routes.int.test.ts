/**
 * Every route of the exchange through `http.inject()` on exchanges built but never listening:
 * 上海 asks, 浙江 provides. Their background work runs (`start()`: the lanes over the testbed's
 * nats-server), their HTTP servers never listen, and the consent and catalogue services are fakes
 * in this process. One row per refusal — 401 without a token, 403 for the wrong role, agency or
 * province, 400 for a malformed body or parameter, 404 for an unknown id, 409 for the wrong state —
 * and one success per route. What needs real processes on both sides stays in the other int tests.
 */
import type { Principal } from '@yrd/auth';
import { envSecrets } from '@yrd/config';
import { notFound } from '@yrd/errors';
import { catalogV1, consentV1, startGrpcServer, unary } from '@yrd/proto';
import { agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionEventsSchema } from './adapters/http-schemas.js';
import { buildExchange, type ExchangeModule } from './index.js';

const SH_JTW = agencyCode('sh', 4);
const SH_DSJ = agencyCode('sh', 5);
const ZJ_DSJJ = agencyCode('zj', 2);
const ZJ_SCJG = agencyCode('zj', 3);

const users = {
  jtwRequester: aPrincipal({ province: 'sh', sub: 'sh-jtw-req', agency: SH_JTW, roles: ['requester'] }),
  dsjRequester: aPrincipal({ province: 'sh', sub: 'sh-dsj-req', agency: SH_DSJ, roles: ['requester'] }),
  shPublisher: aPrincipal({ province: 'sh', sub: 'sh-jtw-pub', agency: SH_JTW, roles: ['publisher'] }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] }),
  jsRequester: aPrincipal({ province: 'js', sub: 'js-req', agency: agencyCode('js', 4), roles: ['requester'] }),
  dsjjPublisher: aPrincipal({ province: 'zj', sub: 'zj-dsjj-pub', agency: ZJ_DSJJ, roles: ['publisher'] }),
  scjgPublisher: aPrincipal({ province: 'zj', sub: 'zj-scjg-pub', agency: ZJ_SCJG, roles: ['publisher'] }),
  zjRequester: aPrincipal({ province: 'zj', sub: 'zj-req', agency: ZJ_SCJG, roles: ['requester'] }),
  zjAdmin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin'] }),
};
type Who = keyof typeof users | 'nobody';

/** 浙江's catalogue: 大数据局's entry offered by query, verification and subscription; 市场监管局's by query only */
const dsjjEntry = aResource('zj', '330000-DSJ-00301', {
  provider: { creditCode: ZJ_DSJJ, name: '大数据局' },
  sharingModes: ['interface', 'verify', 'subscribe'],
});
const scjgEntry = aResource('zj', '330000-SCJG-00301', { provider: { creditCode: ZJ_SCJG, name: '市场监管局' } });
const unknownEntry = 'zj.330000-DSJ-09999';
const creditCode = '91330106MA2H7K3L1X';
const record = { credit_code: creditCode, company_name: '杭州云栖智造科技有限公司' };

const query = (o: Record<string, unknown> = {}) => ({
  resourceId: dsjjEntry.id,
  purpose: '企业登记核查',
  key: { credit_code: creditCode },
  grantId: 'g-ok',
  ...o,
});
const subscription = (o: Record<string, unknown> = {}) => ({
  resourceId: dsjjEntry.id,
  purpose: '企业信息变更订阅',
  grantId: 'g-ok',
  ...o,
});
const events = (...ids: string[]) => ({ events: ids.map((id) => ({ id, fields: { company_name: `公司${id}` } })) });

interface Row {
  name: string;
  as: Who;
  /** the province whose exchange is asked */
  at: 'sh' | 'zj';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** under /api/exchange/v1; `{sub}` and the like are the fixtures' ids */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  /** a refusal's problem+json code */
  code?: string;
}

describe('exchange routes through inject(): each refusal and one success', () => {
  let tb: Testbed;
  const exchanges = {} as Record<'sh' | 'zj', ExchangeModule>;
  const ids: Record<string, string> = {};
  const tokens = new Map<Who, string>();

  const send = async (at: Row['at'], as: Who, method: Row['method'], path: string, body?: unknown, more = {}) => {
    const url = `/api/exchange/v1${path.replace(/\{(\w+)\}/g, (_m, k: string) => ids[k] ?? `missing-${k}`)}`;
    const token = tokens.get(as);
    const res = await exchanges[at].http.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...more },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, type, body: res.json() as Record<string, unknown> };
  };
  const ok = async (at: Row['at'], as: Who, method: Row['method'], path: string, body?: unknown) => {
    const res = await send(at, as, method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };

  beforeAll(async () => {
    tb = await createTestbed();
    for (const [who, p] of Object.entries(users) as [Who, Principal][]) tokens.set(who, await tb.token(p));
    const fakes = await startGrpcServer(
      (s) => {
        // 浙江's consent: grant g-ok allows every item, anything else is refused
        const consent: consentV1.ConsentServiceServer = {
          authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) => {
            if (req.grantId !== 'g-ok') {
              return consentV1.AuthorizeResponse.fromPartial({
                allow: false,
                denialCode: 'CONSENT.NO_GRANT',
                reasons: [{ ruleId: 'grant.required', code: 'CONSENT.NO_GRANT', message: '无有效授权 no valid grant' }],
              });
            }
            const granted = ['credit_code', 'company_name'];
            const items = req.items.length > 0 ? req.items.filter((i) => granted.includes(i)) : granted;
            return consentV1.AuthorizeResponse.fromPartial({
              allow: true,
              allowedItems: items,
              masking: items.map((item) => ({ item, profile: 'none' })),
              grantId: req.grantId,
            });
          }),
        };
        const catalog: catalogV1.CatalogServiceServer = {
          getResource: unary('catalog.GetResource', async (req: catalogV1.GetResourceRequest) => {
            const entry = [dsjjEntry, scjgEntry].find((e) => e.id === req.id);
            if (!entry) throw notFound('CATALOG.NOT_FOUND', `no resource ${req.id}`);
            return { resource: entry, negativeListing: undefined };
          }),
        };
        s.addService(consentV1.ConsentServiceService, consent);
        s.addService(catalogV1.CatalogServiceService, catalog);
      },
      { port: 0, serviceNames: ['yrd.consent.v1.ConsentService', 'yrd.catalog.v1.CatalogService'] },
    );
    tb.defer(() => fakes.stop());
    const here = `127.0.0.1:${fakes.port}`;
    const feeds = { idleWaitMs: 500, retryMinMs: 50, retryMaxMs: 300, deliverTimeoutMs: 1500, providerTimeoutMs: 3000 };
    exchanges.zj = await buildExchange(await tb.deps('zj', { grpcAddress: { consent: here, catalog: here } }), {
      datasets: [{ resourceId: dsjjEntry.id, keyItems: ['credit_code'], records: [record] }],
      sources: { secrets: envSecrets({}), production: false },
      feeds,
    });
    exchanges.sh = await buildExchange(
      await tb.deps('sh', { grpcAddress: { consent: '127.0.0.1:1', catalog: '127.0.0.1:1' } }),
      { timeoutMs: 3000, feeds },
    );
    for (const m of Object.values(exchanges)) {
      // background work only (the lanes on NATS): neither HTTP nor gRPC listens
      await m.start?.();
      tb.defer(async () => {
        await m.stop?.();
        await m.http.close();
      });
    }
    ids.dsjj = dsjjEntry.id;
    ids.scjg = scjgEntry.id;
    ids.sub = String((await ok('sh', 'jtwRequester', 'POST', '/subscriptions', subscription())).id);
    ids.toCancel = String((await ok('sh', 'jtwRequester', 'POST', '/subscriptions', subscription())).id);
  }, 60_000);
  afterAll(() => tb?.close());

  const rid = { 'x-request-id': 'routes-query-1' };
  // biome-ignore format: a table reads best one case a line
  const rows: Row[] = [
    // 查询 at the requester's province, served by the provider's
    { name: 'query: no token', as: 'nobody', at: 'sh', method: 'POST', path: '/queries', body: query(), status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'query: a publisher', as: 'shPublisher', at: 'sh', method: 'POST', path: '/queries', body: query(), status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'query: through another province', as: 'jsRequester', at: 'sh', method: 'POST', path: '/queries', body: query(), status: 403, code: 'EXCHANGE.WRONG_PROVINCE' },
    { name: 'query: no purpose', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query({ purpose: '' }), status: 400, code: 'REQUEST.INVALID' },
    { name: 'query: an empty key', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query({ key: {} }), status: 400, code: 'REQUEST.INVALID' },
    { name: 'query: a resource of no province', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query({ resourceId: 'xx.1' }), status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'query: no data behind the resource', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query({ resourceId: unknownEntry }), status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'query: no grant', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query({ grantId: 'g-none' }), status: 403, code: 'CONSENT.NO_GRANT' },
    { name: 'query: ok', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query(), headers: rid, status: 200 },
    { name: 'query: the same request again is answered again', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query(), headers: rid, status: 200 },
    { name: 'query: its request id for another request', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: query({ purpose: '另一用途' }), headers: rid, status: 409, code: 'EXCHANGE.REQUEST_ID_REUSED' },

    // 核验
    { name: 'verify: no token', as: 'nobody', at: 'sh', method: 'POST', path: '/verifications', body: query({ claims: { company_name: '杭州云栖智造科技有限公司' } }), status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'verify: a publisher', as: 'shPublisher', at: 'sh', method: 'POST', path: '/verifications', body: query({ claims: { company_name: '杭州云栖智造科技有限公司' } }), status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'verify: no claims', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/verifications', body: query(), status: 400, code: 'REQUEST.INVALID' },
    { name: 'verify: no grant', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/verifications', body: query({ grantId: 'g-none', claims: { company_name: 'x' } }), status: 403, code: 'CONSENT.NO_GRANT' },
    { name: 'verify: ok', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/verifications', body: query({ claims: { company_name: '杭州云栖智造科技有限公司' } }), status: 200 },

    // 数据源, at the provider's province
    { name: 'sources: no token', as: 'nobody', at: 'zj', method: 'GET', path: '/sources', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'sources: a requester', as: 'zjRequester', at: 'zj', method: 'GET', path: '/sources', status: 403, code: 'EXCHANGE.SOURCE_NOT_PROVIDER' },
    { name: 'sources: another province’s admin', as: 'shAdmin', at: 'zj', method: 'GET', path: '/sources', status: 403, code: 'EXCHANGE.WRONG_PROVINCE' },
    { name: 'sources: ok', as: 'zjAdmin', at: 'zj', method: 'GET', path: '/sources', status: 200 },
    { name: 'set source: no token', as: 'nobody', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'embedded' }, status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'set source: a requester', as: 'zjRequester', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'embedded' }, status: 403, code: 'EXCHANGE.SOURCE_NOT_PROVIDER' },
    { name: 'set source: another agency', as: 'scjgPublisher', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'embedded' }, status: 403, code: 'EXCHANGE.SOURCE_NOT_PROVIDER' },
    { name: 'set source: another province’s admin', as: 'shAdmin', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'embedded' }, status: 403, code: 'EXCHANGE.WRONG_PROVINCE' },
    { name: 'set source: no such kind', as: 'dsjjPublisher', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'ftp' }, status: 400, code: 'REQUEST.INVALID' },
    { name: 'set source: http without a url', as: 'dsjjPublisher', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'http' }, status: 400, code: 'EXCHANGE.SOURCE_URL_REQUIRED' },
    { name: 'set source: unknown resource', as: 'zjAdmin', at: 'zj', method: 'PUT', path: `/sources/${unknownEntry}`, body: { kind: 'embedded' }, status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'set source: a resource of another province', as: 'zjAdmin', at: 'zj', method: 'PUT', path: '/sources/sh.310000-DSJ-00001', body: { kind: 'embedded' }, status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'set source: ok', as: 'dsjjPublisher', at: 'zj', method: 'PUT', path: '/sources/{dsjj}', body: { kind: 'http', url: 'http://127.0.0.1:9/dsjj' }, status: 200 },
    { name: 'reset source: no token', as: 'nobody', at: 'zj', method: 'DELETE', path: '/sources/{dsjj}', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'reset source: another agency', as: 'scjgPublisher', at: 'zj', method: 'DELETE', path: '/sources/{dsjj}', status: 403, code: 'EXCHANGE.SOURCE_NOT_PROVIDER' },
    { name: 'reset source: unknown resource', as: 'zjAdmin', at: 'zj', method: 'DELETE', path: `/sources/${unknownEntry}`, status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'reset source: ok', as: 'zjAdmin', at: 'zj', method: 'DELETE', path: '/sources/{dsjj}', status: 200 },

    // 订阅 at the requester's province
    { name: 'subscribe: no token', as: 'nobody', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription(), status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'subscribe: a publisher', as: 'shPublisher', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription(), status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'subscribe: through another province', as: 'jsRequester', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription(), status: 403, code: 'EXCHANGE.WRONG_PROVINCE' },
    { name: 'subscribe: a blank purpose', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription({ purpose: '   ' }), status: 400, code: 'REQUEST.INVALID' },
    { name: 'subscribe: a resource of no province', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription({ resourceId: 'xx.1' }), status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'subscribe: no grant', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription({ grantId: 'g-none' }), status: 403, code: 'CONSENT.NO_GRANT' },
    { name: 'subscribe: ok', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/subscriptions', body: subscription(), status: 201 },
    { name: 'subscriptions: no token', as: 'nobody', at: 'sh', method: 'GET', path: '/subscriptions', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'subscriptions: a publisher', as: 'shPublisher', at: 'sh', method: 'GET', path: '/subscriptions', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'subscriptions: ok', as: 'dsjRequester', at: 'sh', method: 'GET', path: '/subscriptions', status: 200 },
    { name: 'subscription: no token', as: 'nobody', at: 'sh', method: 'GET', path: '/subscriptions/{sub}', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'subscription: a publisher', as: 'shPublisher', at: 'sh', method: 'GET', path: '/subscriptions/{sub}', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'subscription: another agency’s', as: 'dsjRequester', at: 'sh', method: 'GET', path: '/subscriptions/{sub}', status: 404, code: 'EXCHANGE.SUBSCRIPTION_NOT_FOUND' },
    { name: 'subscription: unknown id', as: 'jtwRequester', at: 'sh', method: 'GET', path: '/subscriptions/sh-sub-00000000-0000-4000-8000-000000000000', status: 404, code: 'EXCHANGE.SUBSCRIPTION_NOT_FOUND' },
    { name: 'subscription: id longer than a path parameter may be', as: 'jtwRequester', at: 'sh', method: 'GET', path: `/subscriptions/${'s'.repeat(101)}`, status: 414, code: 'REQUEST.URL_TOO_LONG' },
    { name: 'subscription: ok', as: 'jtwRequester', at: 'sh', method: 'GET', path: '/subscriptions/{sub}', status: 200 },
    { name: 'events: no token', as: 'nobody', at: 'sh', method: 'GET', path: '/subscriptions/{sub}/events', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'events: a publisher', as: 'shPublisher', at: 'sh', method: 'GET', path: '/subscriptions/{sub}/events', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'events: not a cursor', as: 'jtwRequester', at: 'sh', method: 'GET', path: '/subscriptions/{sub}/events?after=abc', status: 400, code: 'REQUEST.INVALID' },
    { name: 'events: limit 0', as: 'jtwRequester', at: 'sh', method: 'GET', path: '/subscriptions/{sub}/events?limit=0', status: 400, code: 'REQUEST.INVALID' },
    { name: 'events: another agency’s', as: 'dsjRequester', at: 'sh', method: 'GET', path: '/subscriptions/{sub}/events', status: 404, code: 'EXCHANGE.SUBSCRIPTION_NOT_FOUND' },
    { name: 'events: ok', as: 'jtwRequester', at: 'sh', method: 'GET', path: '/subscriptions/{sub}/events?after=0&limit=10', status: 200 },
    { name: 'cancel: no token', as: 'nobody', at: 'sh', method: 'DELETE', path: '/subscriptions/{toCancel}', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'cancel: a publisher', as: 'shPublisher', at: 'sh', method: 'DELETE', path: '/subscriptions/{toCancel}', status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'cancel: another agency’s', as: 'dsjRequester', at: 'sh', method: 'DELETE', path: '/subscriptions/{toCancel}', status: 404, code: 'EXCHANGE.SUBSCRIPTION_NOT_FOUND' },
    { name: 'cancel: unknown id', as: 'jtwRequester', at: 'sh', method: 'DELETE', path: '/subscriptions/sh-sub-00000000-0000-4000-8000-000000000000', status: 404, code: 'EXCHANGE.SUBSCRIPTION_NOT_FOUND' },
    { name: 'cancel: ok', as: 'jtwRequester', at: 'sh', method: 'DELETE', path: '/subscriptions/{toCancel}', status: 200 },

    // 发布变更事件 at the provider's province
    { name: 'publish: no token', as: 'nobody', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: events('e-1'), status: 401, code: 'AUTH.MISSING_TOKEN' },
    { name: 'publish: a requester', as: 'zjRequester', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: events('e-1'), status: 403, code: 'AUTH.ROLE_REQUIRED' },
    { name: 'publish: another province’s admin', as: 'shAdmin', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: events('e-1'), status: 403, code: 'EXCHANGE.WRONG_PROVINCE' },
    { name: 'publish: another agency’s resource', as: 'scjgPublisher', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: events('e-1'), status: 403, code: 'EXCHANGE.NOT_YOUR_RESOURCE' },
    { name: 'publish: no events', as: 'dsjjPublisher', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: events(), status: 400, code: 'REQUEST.INVALID' },
    { name: 'publish: an event id twice', as: 'dsjjPublisher', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: events('e-1', 'e-1'), status: 400, code: 'EXCHANGE.DUPLICATE_EVENT_ID' },
    { name: 'publish: an item the entry does not have', as: 'dsjjPublisher', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: { events: [{ id: 'e-1', fields: { salary: '1' } }] }, status: 400, code: 'EXCHANGE.UNKNOWN_ITEM' },
    { name: 'publish: unknown resource', as: 'dsjjPublisher', at: 'zj', method: 'POST', path: `/feeds/${unknownEntry}/events`, body: events('e-1'), status: 404, code: 'EXCHANGE.RESOURCE_NOT_FOUND' },
    { name: 'publish: an entry not offered by subscription', as: 'scjgPublisher', at: 'zj', method: 'POST', path: '/feeds/{scjg}/events', body: events('e-1'), status: 409, code: 'EXCHANGE.FEED_NOT_OFFERED' },
    // a value may come as a JSON number; it is kept as text, as records are
    { name: 'publish: ok', as: 'dsjjPublisher', at: 'zj', method: 'POST', path: '/feeds/{dsjj}/events', body: { events: [...events('e-1').events, { id: 'e-2', fields: { company_name: 12345 } }] }, status: 202 },

    // no such route, and a body that is not JSON
    { name: 'an unknown route', as: 'jtwRequester', at: 'sh', method: 'GET', path: '/nothing-here', status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
    { name: 'a body that is not JSON', as: 'jtwRequester', at: 'sh', method: 'POST', path: '/queries', body: '{"resourceId":', headers: { 'content-type': 'application/json' }, status: 400, code: 'REQUEST.MALFORMED' },
  ];

  const cases = rows.map((row) => [`${row.name} → ${row.status}${row.code ? ` ${row.code}` : ''}`, row] as const);
  it.each(cases)('%s', async (_title, row) => {
    const res = await send(row.at, row.as, row.method, row.path, row.body, row.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(row.status);
    if (row.code) {
      expect(res.type).toContain('application/problem+json');
      expect(res.body.code).toBe(row.code);
      expect(res.body.status).toBe(row.status);
    } else {
      expect(res.type).toContain('application/json');
    }
  });

  it('the success rows did what they say', async () => {
    const asked = await send('sh', 'jtwRequester', 'POST', '/queries', query());
    expect(asked.body).toMatchObject({ provider: 'zj', records: [record] });
    const verified = await send(
      'sh',
      'jtwRequester',
      'POST',
      '/verifications',
      query({ claims: { company_name: 'x' } }),
    );
    expect(verified.body.results).toEqual({ company_name: false });
    const list = (await send('sh', 'jtwRequester', 'GET', '/subscriptions')).body.items as {
      id: string;
      status: string;
    }[];
    expect(list.find((s) => s.id === ids.sub)?.status).toBe('active');
    expect(list.find((s) => s.id === ids.toCancel)?.status).toBe('ended');
    expect(list).toHaveLength(3);
    // another agency of the province sees none of them
    expect((await send('sh', 'dsjRequester', 'GET', '/subscriptions')).body.items).toEqual([]);
    // the source was set and reset: the admin's list is empty again
    expect((await send('zj', 'zjAdmin', 'GET', '/sources')).body.items).toEqual([]);
    // the published events reach the subscription. Its page is JSON the database wrote (the route
    // sends it unserialised): it must be what the route's schema says, and nothing more
    const events = `/subscriptions/${ids.sub}/events?after=0&limit=10`;
    let page = (await send('sh', 'jtwRequester', 'GET', events)).body;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      if ((page.events as unknown[]).length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
      page = (await send('sh', 'jtwRequester', 'GET', events)).body;
    }
    const parsed = subscriptionEventsSchema.parse(page);
    expect(page).toEqual(parsed);
    expect(parsed.subscriptionId).toBe(ids.sub);
    expect(parsed.events.map((e) => e.id)).toEqual(['e-1', 'e-2']);
    expect(parsed.events.map((e) => e.fields)).toEqual([{ company_name: '公司e-1' }, { company_name: '12345' }]);
    expect(parsed.next).toBe(parsed.events[1]?.cursor);
    // past the last event: an empty page, and the same cursor to ask from again
    const after = (await send('sh', 'jtwRequester', 'GET', `/subscriptions/${ids.sub}/events?after=${parsed.next}`))
      .body;
    expect(after).toEqual({ subscriptionId: ids.sub, status: 'active', events: [], next: parsed.next });
  });
});
