/**
 * The edge's routes through `inject()` on the edge built once and never listening: which routes pass
 * without a token, the token refusals, the dev-token route's refusals, an unknown route. Three
 * services' upstreams are a port nothing listens on (a refusal never reaches them; a request that
 * does comes back 503); the audit service is a small HTTP stub listening in this test only, because
 * the proxy needs a real socket to show what it forwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
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
import { consoleContentSecurityPolicy } from './console.js';
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
  'the API reference, to anyone': [
    // built from the services' documents: with three of them down it cannot be, a 503 (never a 401)
    {
      what: 'the merged document, while services are down',
      as: 'nobody',
      url: '/api/openapi.json',
      status: 503,
      code: 'HTTP.UPSTREAM_UNAVAILABLE',
    },
    {
      what: 'the reference’s document, while services are down',
      as: 'nobody',
      url: '/docs/json',
      status: 503,
      code: 'HTTP.UPSTREAM_UNAVAILABLE',
    },
  ],
  'an unknown route': [
    { what: 'signed in', as: 'requester', url: '/api/nothing/v1/here', status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
    { what: 'outside the API', as: 'requester', url: '/admin', status: 404, code: 'HTTP.ROUTE_NOT_FOUND' },
  ],
};

/** A console build as small as can be: the page, one hashed script, a top-level file, a hidden file. */
function consoleBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-edge-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="zh-CN"><body>控制台</body></html>');
  writeFileSync(join(dir, 'assets', 'index-Ab12.js'), 'export const console = 1;');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  return dir;
}

type ConsoleAnswer = 'page' | 'script' | 'icon' | 'not the page';
interface ConsoleRow {
  what: string;
  as: Caller;
  method?: 'GET' | 'HEAD';
  url: string;
  status: number;
  /** the console file answered with, or the problem's code */
  answer: ConsoleAnswer | string;
}

const consoleRows: Record<string, ConsoleRow[]> = {
  'the console’s files, to anyone, without a token': [
    { what: 'the page at /', as: 'nobody', url: '/', status: 200, answer: 'page' },
    { what: 'the page by name', as: 'nobody', url: '/index.html', status: 200, answer: 'page' },
    {
      what: 'a page of the app (routed in the browser)',
      as: 'nobody',
      url: '/catalog/zj.330000-DSJ-00001',
      status: 200,
      answer: 'page',
    },
    {
      what: 'a page of the app, with a query',
      as: 'nobody',
      url: '/search?q=%E8%90%A5%E4%B8%9A',
      status: 200,
      answer: 'page',
    },
    { what: 'a page of the app, signed in', as: 'requester', url: '/applications', status: 200, answer: 'page' },
    { what: 'the page, HEAD', as: 'nobody', method: 'HEAD', url: '/', status: 200, answer: 'page' },
    { what: 'a hashed script', as: 'nobody', url: '/assets/index-Ab12.js', status: 200, answer: 'script' },
    { what: 'a file at the top of the build', as: 'nobody', url: '/favicon.svg', status: 200, answer: 'icon' },
  ],
  'what is not there is a 404, never the page': [
    {
      what: 'a missing script',
      as: 'nobody',
      url: '/assets/index-Zz99.js',
      status: 404,
      answer: 'HTTP.ROUTE_NOT_FOUND',
    },
    { what: 'a missing top-level file', as: 'nobody', url: '/logo.png', status: 404, answer: 'HTTP.ROUTE_NOT_FOUND' },
    { what: 'a hidden file', as: 'nobody', url: '/.env', status: 404, answer: 'HTTP.ROUTE_NOT_FOUND' },
    {
      what: 'out of assets/ by an encoded ../',
      as: 'nobody',
      url: '/assets/%2e%2e%2findex.html',
      status: 404,
      answer: 'HTTP.ROUTE_NOT_FOUND',
    },
    {
      what: 'out of the build by ..',
      as: 'nobody',
      url: '/assets/..%2f..%2fetc%2fpasswd',
      status: 404,
      answer: 'HTTP.ROUTE_NOT_FOUND',
    },
  ],
  'the API stays the API': [
    {
      what: 'the catalogue, no token',
      as: 'nobody',
      url: '/api/catalog/v1/resources',
      status: 401,
      answer: 'AUTH.MISSING_TOKEN',
    },
    {
      what: 'an unknown API route, no token',
      as: 'nobody',
      url: '/api/nothing/v1/here',
      status: 401,
      answer: 'AUTH.MISSING_TOKEN',
    },
    {
      what: 'an unknown API route, signed in',
      as: 'requester',
      url: '/api/nothing/v1/here',
      status: 404,
      answer: 'HTTP.ROUTE_NOT_FOUND',
    },
    { what: 'the API root', as: 'requester', url: '/api', status: 404, answer: 'HTTP.ROUTE_NOT_FOUND' },
    {
      what: 'an unknown page of the API reference',
      as: 'requester',
      url: '/docs/nothing',
      status: 404,
      answer: 'HTTP.ROUTE_NOT_FOUND',
    },
    { what: 'the node’s health', as: 'nobody', url: '/healthz', status: 503, answer: 'not the page' },
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
    certificate: 'http://127.0.0.1:1',
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

  it('shows the API reference at /docs to anyone, its page not waiting for the services', async () => {
    for (const as of ['nobody', 'requester'] as const) {
      const res = await call(edge, as, 'GET', '/docs');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
    }
  });

  it('reports the node degraded while a service is down', async () => {
    const res = await call(edge, 'nobody', 'GET', '/healthz');
    expect(res.statusCode).toBe(503);
  });

  describe('the console, served from its build folder', () => {
    let withConsole: EdgeApp;
    let dir: string;
    beforeAll(async () => {
      dir = consoleBuild();
      withConsole = await buildEdge({
        province: 'sh',
        logger: silentLogger(),
        verifier,
        key: keyOf('sh'),
        upstreams: upstreamsWith('http://127.0.0.1:1'),
        consoleDir: dir,
      });
    });
    afterAll(async () => {
      await withConsole?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const [group, table] of Object.entries(consoleRows)) {
      describe(group, () => {
        it.each(table.map((r) => [r.what, r] as const))('%s', async (_what, row) => {
          const res = await withConsole.inject({
            method: row.method ?? 'GET',
            url: row.url,
            headers: tokens.has(row.as) ? { authorization: `Bearer ${tokens.get(row.as)}` } : {},
          });
          expect(res.statusCode, res.body).toBe(row.status);
          const type = res.headers['content-type'] ?? '';
          switch (row.answer) {
            case 'page':
              expect(type).toContain('text/html');
              if (row.method !== 'HEAD') expect(res.body).toContain('控制台');
              // a new build is picked up at once; the page loads nothing but its own origin's scripts
              expect(res.headers['cache-control']).toBe('no-cache');
              expect(res.headers['content-security-policy']).toBe(consoleContentSecurityPolicy);
              expect(res.headers['x-content-type-options']).toBe('nosniff');
              expect(res.headers['x-frame-options']).toBe('DENY');
              break;
            case 'script':
              expect(type).toContain('javascript');
              expect(res.body).toContain('export const console');
              expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
              expect(res.headers['x-content-type-options']).toBe('nosniff');
              break;
            case 'icon':
              expect(type).toContain('image/svg+xml');
              expect(res.headers['cache-control']).toBe('no-cache');
              break;
            case 'not the page':
              expect(type).toContain('json');
              break;
            default:
              expect(type).toContain('application/problem+json');
              expect(res.json()).toMatchObject({ status: row.status, code: row.answer });
          }
        });
      });
    }

    it('CSP: no inline script, no eval; inline styles only (antd writes <style> at run time)', () => {
      const directives = Object.fromEntries(
        consoleContentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
      );
      expect(directives['default-src']).toEqual(["'self'"]);
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
    });

    it('leaves the API reference and the merged document to the edge', async () => {
      const docs = await withConsole.inject({ method: 'GET', url: '/docs' });
      expect(docs.statusCode).toBe(200);
      expect(docs.body).not.toContain('控制台');
      // merged from the services, which are down here: the edge's answer all the same, never the page
      const merged = await withConsole.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(merged.headers['content-type']).toContain('json');
    });

    it('sends scripts gzipped to a browser that accepts it, as they are to one that does not', async () => {
      const url = '/assets/index-Ab12.js';
      const zipped = await withConsole.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'gzip, deflate, br' },
      });
      expect(zipped.statusCode).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toContain('accept-encoding');
      expect(zipped.headers['content-type']).toContain('javascript');
      expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(gunzipSync(zipped.rawPayload).toString()).toBe('export const console = 1;');
      for (const encoding of ['identity', 'gzip;q=0']) {
        const plain = await withConsole.inject({ method: 'GET', url, headers: { 'accept-encoding': encoding } });
        expect(plain.headers['content-encoding'], encoding).toBeUndefined();
        expect(plain.body).toBe('export const console = 1;');
      }
    });

    it('a page asked again while unchanged is a 304', async () => {
      const first = await withConsole.inject({ method: 'GET', url: '/' });
      const etag = String(first.headers.etag);
      const again = await withConsole.inject({ method: 'GET', url: '/', headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
    });

    it('without a console, / is not open', async () => {
      const res = await call(edge, 'nobody', 'GET', '/');
      expect([res.statusCode, res.json().code]).toEqual([401, 'AUTH.MISSING_TOKEN']);
    });

    it('refuses to start on a folder with no built console in it', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'yrd-edge-no-console-'));
      try {
        await expect(
          buildEdge({
            province: 'sh',
            logger: silentLogger(),
            verifier,
            key: keyOf('sh'),
            upstreams: upstreamsWith('http://127.0.0.1:1'),
            consoleDir: empty,
          }),
        ).rejects.toThrow(/no index\.html in the console folder/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });
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
