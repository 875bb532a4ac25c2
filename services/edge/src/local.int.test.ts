/**
 * A service in the edge's own process (a province node): the edge checks the caller, then hands the
 * request to the service as it came — body unread, answer streamed — with no HTTP hop between them.
 */
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  signToken,
  TokenVerifier,
  type TrustList,
} from '@yrd/auth';
import { buildHttpApp, type HttpApp } from '@yrd/http';
import { silentLogger } from '@yrd/logger';
import { type Province, provinces } from '@yrd/region';
import { metricsRegistry } from '@yrd/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startEdge } from './index.js';

const jwks = Object.fromEntries(provinces.map((p) => [p, generateProvinceKey(p)])) as Record<
  Province,
  ReturnType<typeof generateProvinceKey>
>;
const trust = Object.fromEntries(provinces.map((p) => [p, jwks[p].publicJwk])) as TrustList;
const verifier = new TokenVerifier(trust, 'sh');
const requester: Principal = {
  sub: 'sh-req',
  name: '测试用户',
  agency: 'sh-agency',
  province: 'sh',
  roles: ['requester'],
  kind: 'government',
};

describe('the edge hands a service in its own process its requests', () => {
  let service: HttpApp;
  let edge: Awaited<ReturnType<typeof startEdge>>;
  const registry = metricsRegistry({ province: 'sh', service: 'edge' });
  let token = '';
  /** requests the service itself saw */
  let reached = 0;
  /** lets the streaming route write its last chunk */
  let finishStream: () => void = () => {};

  beforeAll(async () => {
    service = await buildHttpApp({ service: 'exchange', logger: silentLogger(), verifier, bodyLimit: 1024 });
    service.addHook('onRequest', async () => {
      reached++;
    });
    service.post('/api/exchange/v1/echo', { schema: { body: z.object({ text: z.string() }) } }, async (req) => ({
      text: req.body.text,
      user: req.principal?.sub,
      requestId: req.headers['x-request-id'],
      traceparent: req.headers.traceparent ?? null,
    }));
    service.get('/api/exchange/v1/stream', (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      reply.raw.write('第一段 first\n');
      finishStream = () => reply.raw.end('第二段 second\n');
    });
    await service.ready();
    const unreachable = 'http://127.0.0.1:1';
    edge = await startEdge({
      province: 'sh',
      logger: silentLogger(),
      verifier,
      key: loadProvinceKey('sh', jwks.sh.privateJwk),
      upstreams: {
        catalog: unreachable,
        consent: unreachable,
        exchange: unreachable,
        audit: unreachable,
        certificate: unreachable,
      },
      local: { exchange: (req, res) => service.routing(req, res) },
      metrics: registry,
    });
    token = await signToken(loadProvinceKey('sh', jwks.sh.privateJwk), requester, {
      audience: audiences.user,
      ttlSeconds: 600,
    });
  });
  afterAll(async () => {
    await edge?.stop();
    await service?.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${edge.url}/api/exchange/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body,
    });

  it('passes the body, the caller and the request id to the service', async () => {
    const res = await post(JSON.stringify({ text: '你好 hello' }), { 'x-request-id': 'req-local-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-local-1');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ text: '你好 hello', user: 'sh-req', requestId: 'req-local-1' });
    // (the trace continuing into the service is checked on a whole node: tests/src/observability.ts)
  });

  it('refuses a caller without a token at the edge: the service never sees the request', async () => {
    const before = reached;
    const res = await fetch(`${edge.url}/api/exchange/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(reached).toBe(before);
  });

  it('leaves the body to the service, which refuses what it cannot take (its own limit, its own words)', async () => {
    const tooLarge = await post(JSON.stringify({ text: 'a'.repeat(4096) }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toContain('application/problem+json');
    const invalid = await post(JSON.stringify({ text: 7 }));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { code: string }).code).toBeTruthy();
  });

  it('streams the answer as the service writes it', async () => {
    const res = await fetch(`${edge.url}/api/exchange/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    // the first chunk arrives while the service has not finished its answer
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('第一段 first\n');
    finishStream();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value);
    expect(rest).toBe('第二段 second\n');
  });

  it('counts the request in the edge’s own metrics (its onResponse still runs)', async () => {
    await post(JSON.stringify({ text: 'counted' }));
    const text = await registry.metrics();
    expect(text).toMatch(
      /http_server_requests_total\{[^}]*route="\/api\/exchange\/\*"[^}]*status_code="200"[^}]*\} \d+/,
    );
  });
});

describe('the edge’s own probes', () => {
  it('is live and ready though every service behind it is down; once draining, not ready and closing connections', async () => {
    const down = 'http://127.0.0.1:1';
    const edge = await startEdge({
      province: 'sh',
      logger: silentLogger(),
      verifier,
      key: loadProvinceKey('sh', jwks.sh.privateJwk),
      upstreams: { catalog: down, consent: down, exchange: down, audit: down, certificate: down },
    });
    try {
      // the aggregate says the services are down; readiness is the entrance's own
      expect((await fetch(`${edge.url}/healthz`)).status).toBe(503);
      const ready = await fetch(`${edge.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', province: 'sh' });
      expect((await fetch(`${edge.url}/livez`)).status).toBe(200);

      edge.drain();
      const draining = await fetch(`${edge.url}/readyz`);
      expect(draining.status).toBe(503);
      expect(draining.headers.get('content-type')).toContain('application/problem+json');
      expect(await draining.json()).toMatchObject({ code: 'NODE.DRAINING', province: 'sh' });
      expect(draining.headers.get('connection')).toBe('close');
      const live = await fetch(`${edge.url}/livez`);
      expect(live.status).toBe(200);
      expect(live.headers.get('connection')).toBe('close');
    } finally {
      await edge.stop();
    }
  });
});
