/**
 * The province origin's API reference: GET /api/openapi.json merges the services' documents with the
 * edge's own routes, for anyone, once; /docs shows it. The four services are small apps built the way
 * every service is (buildHttpApp), one route each, listening on random ports in this test only.
 */
import { generateProvinceKey, loadProvinceKey, TokenVerifier, type TrustList } from '@yrd/auth';
import { buildHttpApp, type HttpApp, type OpenApiDocument } from '@yrd/http';
import { silentLogger } from '@yrd/logger';
import { type Province, provinces } from '@yrd/region';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildEdge, type EdgeApp } from './index.js';
import { mergeDocuments } from './openapi.js';

const jwks = Object.fromEntries(provinces.map((p) => [p, generateProvinceKey(p)])) as Record<
  Province,
  ReturnType<typeof generateProvinceKey>
>;
const trust = Object.fromEntries(provinces.map((p) => [p, jwks[p].publicJwk])) as TrustList;
const verifier = new TokenVerifier(trust, 'sh');
const services = ['catalog', 'consent', 'exchange', 'audit', 'certificate'] as const;

/** A service with one documented route, `GET /api/<name>/v1/things/:id`, operation `get<Name>Thing`. */
async function stubService(name: string, hits: { count: number }): Promise<{ app: HttpApp; url: string }> {
  const app = await buildHttpApp({
    service: name,
    logger: silentLogger(),
    verifier,
    ...(name === 'audit' ? { publicRoutes: ['/api/audit/v1/things/:id'] } : {}),
  });
  app.addHook('onRequest', async (req) => {
    if (req.url === '/openapi.json') hits.count++;
  });
  app.get(
    `/api/${name}/v1/things/:id`,
    {
      schema: {
        operationId: `get${name[0]?.toUpperCase()}${name.slice(1)}Thing`,
        summary: `一件 one ${name} thing`,
        params: z.object({ id: z.string().max(10) }),
        response: { 200: z.object({ id: z.string(), size: z.number().int() }) },
      },
    },
    async (req) => ({ id: req.params.id, size: 1 }),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

describe('the merged API document of a province origin', () => {
  const hits = { count: 0 };
  const stubs: { app: HttpApp; url: string }[] = [];
  let edge: EdgeApp;

  beforeAll(async () => {
    for (const name of services) stubs.push(await stubService(name, hits));
    const upstreams = Object.fromEntries(services.map((s, i) => [s, stubs[i]?.url ?? ''])) as Record<
      (typeof services)[number],
      string
    >;
    edge = await buildEdge({
      province: 'sh',
      logger: silentLogger(),
      verifier,
      key: loadProvinceKey('sh', jwks.sh.privateJwk),
      upstreams,
      publicBaseUrl: 'https://sh.yrd.example',
      devUsers: [{ id: 'sh-1', name: '张三', agency: 'a', province: 'sh', roles: ['requester'], kind: 'government' }],
    });
  });
  afterAll(async () => {
    await edge?.close();
    for (const s of stubs) await s.app.close();
  });

  it('is served to anyone, built from the five services and the edge, and built once', async () => {
    const res = await edge.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = res.json() as OpenApiDocument;
    expect(doc.servers).toEqual([{ url: 'https://sh.yrd.example', description: expect.any(String) }]);
    expect(Object.keys(doc.paths)).toEqual([
      '/api/audit/v1/things/{id}',
      '/api/auth/v1/dev-token',
      '/api/auth/v1/dev-users',
      '/api/catalog/v1/things/{id}',
      '/api/certificate/v1/things/{id}',
      '/api/consent/v1/things/{id}',
      '/api/exchange/v1/things/{id}',
      '/healthz',
    ]);
    expect(doc.tags?.map((t) => t.name)).toEqual([
      'audit',
      'auth',
      'catalog',
      'certificate',
      'consent',
      'edge',
      'exchange',
    ]);
    expect(doc.components?.schemas).toHaveProperty('Problem');
    const again = await edge.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(again.json()).toEqual(doc);
    expect(hits.count).toBe(services.length);
  });

  it('asks for the bearer token everywhere but on the public and dev routes, and lists their problems', async () => {
    const doc = (await edge.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
    expect(doc.security).toEqual([{ bearer: [] }]);
    const op = (path: string, method = 'get') => doc.paths[path]?.[method];
    expect(op('/api/catalog/v1/things/{id}')?.security).toBeUndefined();
    expect(Object.keys(op('/api/catalog/v1/things/{id}')?.responses ?? {})).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '414',
      '503',
    ]);
    expect(op('/api/audit/v1/things/{id}')?.security).toEqual([]);
    expect(op('/api/audit/v1/things/{id}')?.responses).not.toHaveProperty('401');
    expect(op('/api/auth/v1/dev-token', 'post')?.security).toEqual([]);
    expect(op('/api/auth/v1/dev-users')?.security).toEqual([]);
    expect(op('/healthz')?.security).toEqual([]);
    expect(op('/api/auth/v1/dev-token', 'post')?.responses?.['404']).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  });

  it('shows the reference at /docs to anyone, reading the merged document', async () => {
    const page = await edge.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const json = await edge.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(Object.keys((json.json() as OpenApiDocument).paths)).toContain('/api/catalog/v1/things/{id}');
  });
});

describe('merging documents', () => {
  const doc = (paths: OpenApiDocument['paths'], schemas: Record<string, unknown> = {}): OpenApiDocument => ({
    openapi: '3.1.0',
    info: { title: 't', version: '1.0.0' },
    paths,
    components: { schemas },
  });
  const op = (operationId: string) => ({ get: { operationId, responses: {} } });

  it('refuses an operationId used twice', () => {
    expect(() =>
      mergeDocuments({
        province: 'sh',
        own: doc({}),
        services: { a: doc({ '/a': op('getThing') }), b: doc({ '/b': op('getThing') }) },
        serverUrl: 'http://x',
      }),
    ).toThrow(/operationId getThing/);
  });

  it('refuses two different components of one name, and keeps one of two equal ones', () => {
    const merge = (x: unknown, y: unknown) =>
      mergeDocuments({
        province: 'sh',
        own: doc({}),
        services: { a: doc({ '/a': op('a') }, { Thing: x }), b: doc({ '/b': op('b') }, { Thing: y }) },
        serverUrl: 'http://x',
      });
    expect(() => merge({ type: 'string' }, { type: 'number' })).toThrow(/schema Thing/);
    expect(merge({ type: 'string' }, { type: 'string' }).components?.schemas).toEqual({ Thing: { type: 'string' } });
  });
});
