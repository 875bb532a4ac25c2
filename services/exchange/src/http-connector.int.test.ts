/**
 * The provider agency's own system behind the exchange: a real node:http server on a random port
 * stands in for 浙江's market-regulation system, and 上海 queries it through the whole path
 * (HTTP → 沪 exchange → NATS lane → 浙 exchange → consent check → connector → masking).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '@yrd/auth';
import { envSecrets } from '@yrd/config';
import { notFound } from '@yrd/errors';
import type { NatsConnection } from '@yrd/nats';
import { catalogV1, consentV1, startGrpcServer, unary } from '@yrd/proto';
import { InMemorySpanExporter, initTelemetry, type ReadableSpan, SpanKind, SpanStatusCode } from '@yrd/telemetry';
import {
  agencyCode,
  aPrincipal,
  aResource,
  auditEventsIn,
  createTestbed,
  type Reply,
  type Testbed,
} from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchange, startExchange } from './index.js';

const resourceId = 'zj.330000-SCJG-00001';
const creditCode = '91330106MA2H7K3L1X';
const providerAgency = agencyCode('zj', 5);
const token = `tok-${randomBytes(8).toString('hex')}`;

/** what the agency system holds: more than any grant allows, one value as a number */
const agencyRecord = {
  credit_code: creditCode,
  company_name: '杭州云栖智造科技有限公司',
  legal_representative: '周明远',
  legal_id_number: '330106198001011234',
  phone: '13812345678',
  address: '浙江省杭州市西湖区文三路100号',
  registered_capital_wan: 5000,
};
/** what the embedded dataset holds for the same company (told apart by the name) */
const embeddedRecord = { ...agencyRecord, company_name: '杭州云栖（内置数据）', registered_capital_wan: '5000' };
const granted = ['credit_code', 'company_name', 'legal_representative', 'legal_id_number', 'phone'];
const profiles: Record<string, string> = { legal_representative: 'name', legal_id_number: 'id_number', phone: 'phone' };
const maskedAgencyRecord = {
  credit_code: creditCode,
  company_name: '杭州云栖智造科技有限公司',
  legal_representative: '周**',
  legal_id_number: '330***********1234',
  phone: '138****5678',
};

const requester = aPrincipal({ province: 'sh', sub: 'sh-user-1', name: '沪 审批员' });
const publisher = aPrincipal({ province: 'zj', sub: 'zj-pub', roles: ['publisher'], agency: providerAgency });
const otherPublisher = aPrincipal({
  province: 'zj',
  sub: 'zj-pub-2',
  roles: ['publisher'],
  agency: agencyCode('zj', 6),
});
const admin = aPrincipal({ province: 'zj', sub: 'zj-admin', roles: ['admin'], agency: agencyCode('zj', 1) });

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the agency system; the path picks the behaviour. */
async function startAgencySystem(slowMs: number) {
  const seen: Seen[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      switch (new URL(req.url ?? '/', 'http://agency').pathname) {
        case '/ok':
          return json(200, { records: [agencyRecord] });
        case '/many':
          return json(200, {
            records: Array.from({ length: 12 }, (_, i) => ({ ...agencyRecord, legal_representative: `周${i}号` })),
          });
        case '/slow': {
          const t = setTimeout(() => json(200, { records: [agencyRecord] }), slowMs);
          timers.add(t);
          return;
        }
        case '/fail':
          return json(500, { error: 'database down' });
        case '/garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"records": [{"credit_code": ');
        case '/wrong-shape':
          return json(200, { data: [agencyRecord] });
        default:
          return json(404, { error: 'no such path' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    async stop() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was just free: nothing listens there, so connecting is refused at once. */
async function closedPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const newTraceId = () => randomBytes(16).toString('hex');
const spans = new InMemorySpanExporter();

/** The outbound HTTP spans (the undici instrumentation's) of one trace. */
const clientSpans = (traceId: string): ReadableSpan[] =>
  spans
    .getFinishedSpans()
    .filter((s) => s.spanContext().traceId === traceId && s.kind === SpanKind.CLIENT && 'url.full' in s.attributes);

describe('a resource served from the provider agency’s own system (HTTP connector)', () => {
  let tb: Testbed;
  let sh: RunningExchange;
  let zj: RunningExchange;
  let zjNc: NatsConnection;
  let agency: Awaited<ReturnType<typeof startAgencySystem>>;

  const query = (requestId: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    tb.http(
      sh.httpUrl,
      requester,
      'POST',
      '/api/exchange/v1/queries',
      { resourceId, purpose: '跨省通办', key: { credit_code: creditCode }, grantId: 'g-ok', ...extra },
      { 'x-request-id': requestId, ...headers },
    );
  const sources = (as: Principal, method: string, id = resourceId, body?: unknown): Promise<Reply> =>
    tb.http(zj.httpUrl, as, method, `/api/exchange/v1/sources${method === 'GET' ? '' : `/${id}`}`, body);
  /** points the resource at a path of the agency system, as its publisher */
  const configure = async (path: string, o: Record<string, unknown> = {}) => {
    const res = await sources(publisher, 'PUT', resourceId, {
      kind: 'http',
      url: `${agency.base}${path}`,
      secretRef: 'env:ZJ_DSJ_TOKEN',
      ...o,
    });
    expect(res.status).toBe(200);
    return res;
  };

  beforeAll(async () => {
    // the SDK as the services run it: W3C propagation, and the undici instrumentation on outbound HTTP
    initTelemetry({ serviceName: 'http-connector-test', exporter: spans });
    tb = await createTestbed();
    agency = await startAgencySystem(3000);
    tb.defer(() => agency.stop());

    const consent = await startGrpcServer(
      (s) => {
        const impl: consentV1.ConsentServiceServer = {
          authorize: unary('consent.Authorize', async (req: consentV1.AuthorizeRequest) => {
            if (req.grantId !== 'g-ok') {
              return consentV1.AuthorizeResponse.fromPartial({ allow: false, denialCode: 'CONSENT.NO_GRANT' });
            }
            const items = req.items.length > 0 ? req.items.filter((i) => granted.includes(i)) : granted;
            return consentV1.AuthorizeResponse.fromPartial({
              allow: true,
              allowedItems: items,
              masking: items.map((item) => ({ item, profile: profiles[item] ?? 'none' })),
              grantId: 'g-ok',
            });
          }),
        };
        s.addService(consentV1.ConsentServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.consent.v1.ConsentService'] },
    );
    tb.defer(() => consent.stop());

    // 浙江's catalogue knows one entry, provided by providerAgency
    const entry = aResource('zj', '330000-SCJG-00001', {
      provider: { creditCode: providerAgency, name: '浙江省市场监督管理局' },
    });
    const catalog = await startGrpcServer(
      (s) => {
        const impl: catalogV1.CatalogServiceServer = {
          getResource: unary('catalog.GetResource', async (req: catalogV1.GetResourceRequest) => {
            if (req.id !== entry.id) throw notFound('CATALOG.RESOURCE_NOT_FOUND', `no resource ${req.id}`);
            return { resource: entry, negativeListing: undefined };
          }),
        };
        s.addService(catalogV1.CatalogServiceService, impl);
      },
      { port: 0, serviceNames: ['yrd.catalog.v1.CatalogService'] },
    );
    tb.defer(() => catalog.stop());

    const zjDeps = await tb.deps('zj', {
      grpcAddress: { consent: `127.0.0.1:${consent.port}`, catalog: `127.0.0.1:${catalog.port}` },
    });
    zjNc = zjDeps.nc;
    zj = await tb.started(
      startExchange(zjDeps, {
        datasets: [{ resourceId, keyItems: ['credit_code'], records: [embeddedRecord] }],
        sources: { secrets: envSecrets({ ZJ_DSJ_TOKEN: token }), production: false },
      }),
    );
    sh = await tb.started(startExchange(await tb.deps('sh', { grpcAddress: { consent: '127.0.0.1:1' } }), {}));
  });

  afterAll(() => tb?.close());

  it('returns the agency’s records minimised and masked, with the request id, trace context and credential sent', async () => {
    await configure('/ok');
    const traceId = newTraceId();
    const before = agency.seen.length;
    const res = await query('req-src-ok', {}, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(res.status).toBe(200);
    // not granted (address) and not asked for (registered capital) never leave; the rest is masked
    expect(res.body.records).toEqual([maskedAgencyRecord]);

    expect(agency.seen.length).toBe(before + 1);
    const call = agency.seen.at(-1) as Seen;
    expect(call.method).toBe('POST');
    expect(call.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call.body)).toEqual({
      resourceId,
      key: { credit_code: creditCode },
      items: granted,
      limit: 100,
    });
    expect(call.headers['x-request-id']).toBe('req-src-ok');
    expect(call.headers.authorization).toBe(`Bearer ${token}`);
    // the trace the requester started in 上海 reaches the agency system in 浙江, one traceparent only
    expect(call.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));

    // the call is the undici instrumentation's client span, and the agency saw it as its parent
    const [client, ...more] = clientSpans(traceId);
    expect(more).toEqual([]);
    expect(client?.name).toBe('POST');
    expect(client?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': `${agency.base}/ok`,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(agency.base).port),
      'http.response.status_code': 200,
    });
    expect(String(call.headers.traceparent).split('-')[2]).toBe(client?.spanContext().spanId);
    // under 浙江's span for the lane request, which says what was asked for
    const parent = spans.getFinishedSpans().find((s) => s.spanContext().spanId === client?.parentSpanContext?.spanId);
    expect(parent?.name).toBe('nats xchg.zj.from.sh.exchange.query');
    expect(parent?.attributes['yrd.resource_id']).toBe(resourceId);
  });

  it('answers a verification from the agency’s records, without returning them', async () => {
    await configure('/ok');
    const res = await tb.http(
      sh.httpUrl,
      requester,
      'POST',
      '/api/exchange/v1/verifications',
      {
        resourceId,
        purpose: '营业执照核验',
        key: { credit_code: creditCode },
        claims: { company_name: '杭州云栖智造科技有限公司', legal_representative: '李四' },
        grantId: 'g-ok',
      },
      { 'x-request-id': 'req-src-verify' },
    );
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual({ company_name: true, legal_representative: false });
    expect(JSON.stringify(res.body)).not.toContain('周明远');
    expect(JSON.parse((agency.seen.at(-1) as Seen).body).items).toEqual(['company_name', 'legal_representative']);
  });

  it('calls with GET and a named header when configured so', async () => {
    await configure('/ok', { method: 'GET', headerName: 'X-Api-Key' });
    const traceId = newTraceId();
    const res = await query('req-src-get', {}, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(res.status).toBe(200);
    expect(res.body.records).toEqual([maskedAgencyRecord]);
    const call = agency.seen.at(-1) as Seen;
    expect(call.method).toBe('GET');
    const u = new URL(call.url, agency.base);
    expect(u.pathname).toBe('/ok');
    expect(u.searchParams.get('key.credit_code')).toBe(creditCode);
    expect(u.searchParams.getAll('items')).toEqual(granted);
    expect(call.headers['x-api-key']).toBe(token);
    expect(call.headers.authorization).toBeUndefined();
    // the key (personal data in general) is in the query string: the span records the URL without it
    const [client] = clientSpans(traceId);
    expect(client?.name).toBe('GET');
    expect(client?.attributes['url.full']).toBe(`${agency.base}/ok`);
    expect(client?.attributes['url.query']).toBe('REDACTED');
    expect(JSON.stringify(client?.attributes)).not.toContain(creditCode);
  });

  it('a slow agency system gives 503 EXCHANGE.SOURCE_UNAVAILABLE within about the timeout, never a hang', async () => {
    await configure('/slow', { timeoutMs: 500 });
    const t0 = Date.now();
    const res = await query('req-src-slow');
    const ms = Date.now() - t0;
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('EXCHANGE.SOURCE_UNAVAILABLE');
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2000);
    // the provider's trail says what went wrong, as an error rather than a denial
    const zjEv = await auditEventsIn(zjNc, 'zj');
    expect(zjEv.events.find((e) => e.requestId === 'req-src-slow')).toMatchObject({
      outcome: 'error',
      code: 'EXCHANGE.SOURCE_UNAVAILABLE',
    });
  });

  it('an agency system that is down gives 503 EXCHANGE.SOURCE_UNAVAILABLE at once', async () => {
    const port = await closedPort();
    const res0 = await sources(publisher, 'PUT', resourceId, { kind: 'http', url: `http://127.0.0.1:${port}/api` });
    expect(res0.status).toBe(200);
    const t0 = Date.now();
    const res = await query('req-src-down');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('EXCHANGE.SOURCE_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it.each([
    ['a 500', '/fail'],
    ['malformed JSON', '/garbage'],
    ['JSON of another shape', '/wrong-shape'],
    ['a 404', '/nowhere'],
  ])('%s from the agency system is 503 EXCHANGE.SOURCE_BAD_REPLY', async (_why, path) => {
    await configure(path);
    const traceId = newTraceId();
    const res = await query(
      `req-src-bad-${path.slice(1)}`,
      {},
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('EXCHANGE.SOURCE_BAD_REPLY');
    // an error status is an error on the client span; a 2xx with a bad body is a good HTTP call
    const [client] = clientSpans(traceId);
    const status = client?.attributes['http.response.status_code'];
    expect(client?.status.code).toBe(Number(status) >= 400 ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
    // nothing of the agency's answer reaches the requester
    expect(JSON.stringify(res.body)).not.toContain('database down');
  });

  it('cuts more records than the page bound to the bound, and asks for no more than that', async () => {
    await configure('/many', { maxRecords: 3 });
    const res = await query('req-src-many');
    expect(res.status).toBe(200);
    expect(res.body.records).toHaveLength(3);
    expect(res.body.records.map((r: Record<string, string>) => r.legal_representative)).toEqual([
      '周**',
      '周**',
      '周**',
    ]);
    expect(JSON.parse((agency.seen.at(-1) as Seen).body).limit).toBe(3);
  });

  it('refuses configuration from anyone but the admin or the providing agency’s publisher, and bad settings', async () => {
    const ok = { kind: 'http', url: `${agency.base}/ok` };
    const refused = async (as: Principal, id: string, body: unknown, status: number, code: string) => {
      const res = await sources(as, 'PUT', id, body);
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    };
    await refused(otherPublisher, resourceId, ok, 403, 'EXCHANGE.SOURCE_NOT_PROVIDER');
    await refused(
      aPrincipal({ province: 'zj', roles: ['requester'] }),
      resourceId,
      ok,
      403,
      'EXCHANGE.SOURCE_NOT_PROVIDER',
    );
    await refused(aPrincipal({ province: 'sh', roles: ['admin'] }), resourceId, ok, 403, 'EXCHANGE.WRONG_PROVINCE');
    await refused(publisher, resourceId, { ...ok, url: 'ftp://dsj.zj.example/x' }, 400, 'EXCHANGE.SOURCE_BAD_URL');
    await refused(publisher, resourceId, { ...ok, secretRef: 'env:NOT_SET' }, 400, 'EXCHANGE.SOURCE_SECRET_UNRESOLVED');
    await refused(publisher, resourceId, { ...ok, secretRef: token }, 400, 'EXCHANGE.SOURCE_BAD_SECRET_REF');
    await refused(publisher, resourceId, { ...ok, timeoutMs: 60_000 }, 400, 'REQUEST.INVALID');
    await refused(publisher, resourceId, { ...ok, maxRecords: 1000 }, 400, 'REQUEST.INVALID');
    await refused(admin, 'zj.330000-NONE-00009', ok, 404, 'EXCHANGE.RESOURCE_NOT_FOUND');
    await refused(admin, 'sh.310000-GA-00001', ok, 404, 'EXCHANGE.RESOURCE_NOT_FOUND');
    const del = await sources(otherPublisher, 'DELETE');
    expect(del.status).toBe(403);
    expect(del.body.code).toBe('EXCHANGE.SOURCE_NOT_PROVIDER');

    // the admin sees the province's sources, another agency's publisher none; no secret value in either
    const all = await sources(admin, 'GET');
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      expect.objectContaining({ resourceId, kind: 'http', providerCode: providerAgency, updatedBy: 'zj-pub' }),
    ]);
    expect(JSON.stringify(all.body)).not.toContain(token);
    const theirs = await sources(otherPublisher, 'GET');
    expect(theirs.body.items).toEqual([]);
    expect((await sources(publisher, 'GET')).body.items).toHaveLength(1);
  });

  it('switching back to embedded serves the province’s own datasets again, and both changes are on the trail', async () => {
    await configure('/ok');
    const before = agency.seen.length;
    const reset = await sources(admin, 'DELETE');
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ resourceId, kind: 'embedded', updatedBy: 'zj-admin' });
    const res = await query('req-src-embedded');
    expect(res.status).toBe(200);
    expect(res.body.records).toEqual([{ ...maskedAgencyRecord, company_name: '杭州云栖（内置数据）' }]);
    expect(agency.seen.length).toBe(before);
    expect((await sources(admin, 'GET')).body.items).toEqual([]);

    const zjEv = await auditEventsIn(zjNc, 'zj');
    const configured = zjEv.events.filter((e) => e.kind === 'exchange.source.configured');
    expect(configured.length).toBeGreaterThan(0);
    expect(configured.every((e) => e.actorUser === 'zj-pub' && e.resourceId === resourceId)).toBe(true);
    expect(zjEv.events.filter((e) => e.kind === 'exchange.source.reset')).toEqual([
      expect.objectContaining({ actorUser: 'zj-admin', resourceId, outcome: 'ok' }),
    ]);
    expect(JSON.stringify(zjEv.events)).not.toContain(token);
  });
});
