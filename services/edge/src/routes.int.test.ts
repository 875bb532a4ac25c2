/**
 * The edge's routes through `inject()` on the edge built once and never listening: which routes pass
 * without a token, the token refusals, the dev-token route's refusals, an unknown route. Three
 * services' upstreams are a port nothing listens on (a refusal never reaches them; a request that
 * does comes back 503); the audit service is a small HTTP stub listening in this test only, because
 * the proxy needs a real socket to show what it forwards.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  type ProvinceKey,
  signToken,
  TokenVerifier,
  type TrustList,
} from '@yrd/auth';
import { silentLogger } from '@yrd/logger';
import { type Province, provinces } from '@yrd/region';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdge, type DevUser, type EdgeApp } from './index.js';

const jwks = Object.fromEntries(provinces.map((p) => [p, generateProvinceKey(p)])) as Record<
  Province,
  ReturnType<typeof generateProvinceKey>
>;
const trust = Object.fromEntries(provinces.map((p) => [p, jwks[p].publicJwk])) as TrustList;
const keyOf = (p: Province): ProvinceKey => loadProvinceKey(p, jwks[p].privateJwk);
// as the node makes it: this edge admits its own province's users only
const verifier = new TokenVerifier(trust, 'sh');

const principal = (p: Province, sub: string, roles: Principal['roles']): Principal => ({
  sub,
  name: '测试用户',
  agency: `${p}-agency`,
  province: p,
  roles,
  kind: 'government',
});
const people = {
  requester: principal('sh', 'sh-req', ['requester']),
  zjRequester: principal('zj', 'zj-req', ['requester']),
};
const asSeedUser = ({ sub, name, agency, province, roles, kind }: Principal): DevUser => ({
  id: sub,
  name,
  agency,
  province,
  roles,
  kind,
});
const devUsers: DevUser[] = [
  { ...asSeedUser(people.requester), subjectRef: 'a'.repeat(64) },
  asSeedUser(people.zjRequester),
];

type Caller = 'nobody' | 'requester' | 'zjRequester' | 'forged' | 'expired';

interface Row {
  what: string;
  as: Caller;
  method?: 'GET' | 'POST';
  url: string;
  body?: Record<string, unknown>;
  status: number;
  /** the problem's code; none for an answer the stub gave */
  code?: string;
}

const publicPaths = [
  '/api/audit/v1/trust-list',
  '/api/audit/v1/heads/latest',
  '/api/audit/v1/heads/7',
  '/api/audit/v1/checkpoint',
  '/api/audit/v1/consistency?from=0',
  '/api/audit/v1/proofs/inclusion?seq=0',
];

const rows: Record<string, Row[]> = {
  'the public audit routes pass without a token': publicPaths.map((url) => ({
    what: url,
    as: 'nobody',
    url,
    status: 200,
  })),
  'every other API route needs a token': [
    { what: 'the catalogue', as: 'nobody', url: '/api/catalog/v1/resources', status: 401, code: 'AUTH.MISSING_TOKEN' },
    {
      what: 'an application',
      as: 'nobody',
      method: 'POST',
      url: '/api/consent/v1/applications',
      body: { resourceId: 'zj.x' },
      status: 401,
      code: 'AUTH.MISSING_TOKEN',
    },
    {
      what: 'a query',
      as: 'nobody',
      method: 'POST',
      url: '/api/exchange/v1/query',
      body: {},
      status: 401,
      code: 'AUTH.MISSING_TOKEN',
    },
    // the audit service's own records are not public, beside its public routes
    { what: 'audit records', as: 'nobody', url: '/api/audit/v1/records', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a head listing', as: 'nobody', url: '/api/audit/v1/heads', status: 401, code: 'AUTH.MISSING_TOKEN' },
    { what: 'a forged token', as: 'forged', url: '/api/catalog/v1/resources', status: 401, code: 'AUTH.TOKEN_INVALID' },
    {
      what: 'an expired token',
      as: 'expired',
      url: '/api/catalog/v1/resources',
      status: 401,
      code: 'AUTH.TOKEN_EXPIRED',
    },
    {
      what: 'another province’s user, at this province’s door',
      as: 'zjRequester',
      url: '/api/catalog/v1/resources',
      status: 401,
      code: 'AUTH.WRONG_PROVINCE',
    },
  ],
  'signed in, the edge forwards': [
    // past the token check; a service that refuses the connection is the node's outage: 503, never a 500
    {
      what: 'to a service that is down',
      as: 'requester',
      url: '/api/catalog/v1/resources',
      status: 503,
      code: 'HTTP.UPSTREAM_UNAVAILABLE',
    },
    { what: 'to the audit service', as: 'requester', url: '/api/audit/v1/records?requestId=r-1', status: 200 },
  ],
  'dev tokens (dev mode)': [
    { what: 'the seed users, to anyone', as: 'nobody', url: '/api/auth/v1/dev-users', status: 200 },
    {
      what: 'no user named',
      as: 'nobody',
      method: 'POST',
      url: '/api/auth/v1/dev-token',
      body: {},
      status: 400,
      code: 'REQUEST.INVALID',
    },
    {
      what: 'an empty user',
      as: 'nobody',
      method: 'POST',
      url: '/api/auth/v1/dev-token',
      body: { user: '' },
      status: 400,
      code: 'REQUEST.INVALID',
    },
    {
      what: 'no such seed user',
      as: 'nobody',
      method: 'POST',
      url: '/api/auth/v1/dev-token',
      body: { user: 'sh-nobody' },
      status: 404,
      code: 'AUTH.UNKNOWN_USER',
    },
    {
      what: 'another province’s seed user',
      as: 'nobody',
      method: 'POST',
      url: '/api/auth/v1/dev-token',
      body: { user: 'zj-req' },
      status: 403,
      code: 'AUTH.WRONG_PROVINCE',
    },
    {
      what: 'a seed user of this province',
      as: 'nobody',
      method: 'POST',
      url: '/api/auth/v1/dev-token',
      body: { user: 'sh-req' },
      status: 200,
    },
  ],
  'an unknown route': [
    { what: 'signed in', as: 'requester', url: '/api/nothing/v1/here', status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
    { what: 'outside the API', as: 'requester', url: '/admin', status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
  ],
};

describe('the edge, route by route (inject, never listening)', () => {
  let edge: EdgeApp;
  let production: EdgeApp;
  let stub: Server;
  const tokens = new Map<Caller, string>();
  const upstreamsWith = (audit: string) => ({
    catalog: 'http://127.0.0.1:1',
    consent: 'http://127.0.0.1:1',
    exchange: 'http://127.0.0.1:1',
    audit,
  });
  const call = (app: EdgeApp, as: Caller, method: 'GET' | 'POST', url: string, body?: Record<string, unknown>) =>
    app.inject({
      method,
      url,
      headers: tokens.has(as) ? { authorization: `Bearer ${tokens.get(as)}` } : {},
      ...(body === undefined ? {} : { payload: body }),
    });

  beforeAll(async () => {
    // the audit service as the edge sees it: answers with what reached it
    stub = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          url: req.url,
          authorization: req.headers.authorization ?? null,
          requestId: req.headers['x-request-id'] ?? null,
        }),
      );
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const audit = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const common = { province: 'sh' as const, logger: silentLogger(), verifier, key: keyOf('sh') };
    edge = await buildEdge({ ...common, upstreams: upstreamsWith(audit), devUsers });
    production = await buildEdge({ ...common, upstreams: upstreamsWith(audit) });
    const sign = (p: Principal, ttlSeconds = 600) =>
      signToken(keyOf(p.province), p, { audience: audiences.user, ttlSeconds });
    tokens.set('requester', await sign(people.requester));
    tokens.set('zjRequester', await sign(people.zjRequester));
    tokens.set('expired', await sign(people.requester, -60));
    const real = tokens.get('requester') ?? '';
    tokens.set('forged', `${real.slice(0, -6)}AAAAAA`);
  });
  afterAll(async () => {
    await edge?.close();
    await production?.close();
    await new Promise((resolve) => stub?.close(resolve));
  });

  it('is built, not listening', () => {
    expect(edge.server.listening).toBe(false);
  });

  for (const [group, table] of Object.entries(rows)) {
    describe(group, () => {
      it.each(table.map((r) => [r.what, r] as const))('%s', async (_what, row) => {
        const res = await call(edge, row.as, row.method ?? 'GET', row.url, row.body);
        expect(res.statusCode, res.body).toBe(row.status);
        if (row.code) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json()).toMatchObject({ status: row.status, code: row.code });
        } else {
          expect(res.headers['content-type']).toContain('application/json');
        }
      });
    });
  }

  it('forwards the path, the caller’s token unchanged and its request id', async () => {
    const res = await call(edge, 'requester', 'GET', '/api/audit/v1/records?requestId=r-1');
    expect(res.json()).toEqual({
      url: '/api/audit/v1/records?requestId=r-1',
      authorization: `Bearer ${tokens.get('requester')}`,
      requestId: res.headers['x-request-id'],
    });
    const open = await call(edge, 'nobody', 'GET', '/api/audit/v1/heads/7');
    expect(open.json()).toMatchObject({ url: '/api/audit/v1/heads/7', authorization: null });
  });

  it('lists the seed users without their subject reference, and signs a token the verifier admits', async () => {
    const listed = (await call(edge, 'nobody', 'GET', '/api/auth/v1/dev-users')).json() as DevUser[];
    expect(listed.map((u) => u.id)).toEqual(['sh-req', 'zj-req']);
    expect(JSON.stringify(listed)).not.toContain('a'.repeat(64));
    const issued = await call(edge, 'nobody', 'POST', '/api/auth/v1/dev-token', { user: 'sh-req' });
    const { token, expiresIn } = issued.json() as { token: string; expiresIn: number };
    expect(expiresIn).toBe(8 * 3600);
    expect(await verifier.verifyUser(token)).toMatchObject({
      sub: 'sh-req',
      province: 'sh',
      roles: ['requester'],
      subjectRef: 'a'.repeat(64),
    });
  });

  it('reports the node degraded while a service is down', async () => {
    const res = await call(edge, 'nobody', 'GET', '/healthz');
    expect(res.statusCode).toBe(503);
  });

  describe('without dev mode there are no dev routes', () => {
    it.each([
      ['the seed users', 'GET', '/api/auth/v1/dev-users', undefined],
      ['a dev token', 'POST', '/api/auth/v1/dev-token', { user: 'sh-req' }],
    ] as const)('%s: not there, signed in or not', async (_what, method, url, body) => {
      for (const as of ['nobody', 'requester'] as const) {
        const res = await call(production, as, method, url, body);
        expect([res.statusCode, res.json().code], as).toEqual(
          as === 'nobody' ? [401, 'AUTH.MISSING_TOKEN'] : [404, 'HTTP.ROUTE_NOT_FOUND'],
        );
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    });
  });
});
