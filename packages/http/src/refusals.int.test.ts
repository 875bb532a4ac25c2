/**
 * Every refusal an app built by buildHttpApp makes, the framework's own included, is
 * application/problem+json with a stable code and never quotes more than a short excerpt of input.
 * A real listening server: some refusals happen on the raw connection, before fastify sees a request.
 */
import { connect } from 'node:net';
import { invalid } from '@yrd/errors';
import { silentLogger } from '@yrd/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isoDate, isoDateTime } from './dates.js';
import { buildHttpApp, type HttpApp } from './index.js';

let app: HttpApp;
let origin: string;

beforeAll(async () => {
  app = await buildHttpApp({ service: 'probe', logger: silentLogger(), bodyLimit: 64 * 1024 });
  app.post(
    '/things/:id',
    {
      schema: {
        params: z.object({ id: z.string().max(100) }),
        querystring: z.object({ q: z.string().optional() }),
        body: z.object({ name: z.string().max(50), due: isoDate.optional(), at: isoDateTime.optional() }),
      },
    },
    async (req) => ({ id: req.params.id, name: req.body.name }),
  );
  app.get('/things', { schema: { querystring: z.object({ q: z.string().optional() }) } }, async (req) => ({
    q: req.query.q ?? '',
  }));
  // a reply built by hand in another format, as a plugin might send it
  app.get('/legacy', async (_req, reply) => reply.status(418).type('text/plain').send('short and stout'));
  app.get('/refuses', async () => {
    throw invalid('PROBE.REFUSED', '拒绝 refused');
  });
  app.get('/refuses-at-length', async () => {
    throw invalid(
      'PROBE.LONG',
      `未授权的项 items not granted: ${Array.from({ length: 500 }, () => 'ZZZZZ').join(', ')}`,
    );
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await app.close();
});

interface Answer {
  status: number;
  contentType: string;
  body: { code?: string; status?: number; detail?: string };
  text: string;
}

async function call(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(`${origin}${path}`, {
    method,
    ...(body !== undefined ? { body, headers: { 'content-type': contentType } } : {}),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: JSON.parse(text), text };
}

/** Raw bytes on a fresh connection, for what fetch will not send. */
function raw(bytes: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(origin).port) }, () => socket.end(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head = '', text = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      try {
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
          contentType: /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '',
          body: JSON.parse(text),
          text,
        });
      } catch (err) {
        reject(err);
      }
    });
  });
}

function expectProblem(a: Answer, status: number, code: string) {
  expect(a.contentType).toMatch(/^application\/problem\+json/);
  expect([a.status, a.body.status, a.body.code]).toEqual([status, status, code]);
  expect(a.text).not.toContain('Z'.repeat(100));
}

describe('refusals made by the framework speak problem+json', () => {
  it.each([
    ['a path that does not decode', 'GET', '/things/%ZZ', 400, 'REQUEST.BAD_ENCODING'],
    ['a query that does not decode', 'GET', '/things?q=%', 400, 'REQUEST.BAD_ENCODING'],
    ['an encoded surrogate', 'GET', '/things?q=%ED%A0%80', 400, 'REQUEST.BAD_ENCODING'],
    ['invalid UTF-8', 'GET', '/things?q=%C3%28', 400, 'REQUEST.BAD_ENCODING'],
    ['a NUL in the query', 'GET', '/things?q=a%00b', 400, 'REQUEST.UNSUPPORTED_CHARACTER'],
    ['a NUL in a query key', 'GET', '/things?a%00=1', 400, 'REQUEST.UNSUPPORTED_CHARACTER'],
    ['a path parameter too long', 'POST', `/things/${'Z'.repeat(500)}`, 414, 'REQUEST.URL_TOO_LONG'],
    ['an unknown route, echoed only in part', 'GET', `/nowhere/${'Z'.repeat(5000)}`, 404, 'HTTP.ROUTE_NOT_FOUND'],
  ])('%s', async (_what, method, path, status, code) => {
    expectProblem(await call(method, path), status, code);
  });

  it.each([
    [
      'a NUL in a path parameter',
      '/things/a%00b',
      '{"name":"n"}',
      'application/json',
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'a NUL in a body string',
      '/things/1',
      '{"name":"a\\u0000b"}',
      'application/json',
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'an unpaired surrogate in a body key',
      '/things/1',
      '{"name":"n","\\ud800":1}',
      'application/json',
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'an unpaired surrogate escaped in capitals',
      '/things/1',
      '{"name":"n\\uDBFF"}',
      'application/json',
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'an unpaired surrogate deep in a body',
      '/things/1',
      '{"name":"n","x":[{"y":["\\udc00"]}]}',
      'application/json',
      400,
      'REQUEST.UNSUPPORTED_CHARACTER',
    ],
    [
      'JSON nested 10,000 deep',
      '/things/1',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      'application/json',
      400,
      'REQUEST.TOO_DEEP',
    ],
    [
      'JSON nested 65 deep',
      '/things/1',
      `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`,
      'application/json',
      400,
      'REQUEST.TOO_DEEP',
    ],
    ['JSON that does not parse', '/things/1', '{"name":', 'application/json', 400, 'REQUEST.MALFORMED'],
    ['an empty JSON body', '/things/1', '', 'application/json', 400, 'REQUEST.MALFORMED'],
    ['a __proto__ key', '/things/1', '{"name":"n","__proto__":{"x":1}}', 'application/json', 400, 'REQUEST.MALFORMED'],
    [
      'a body too large',
      '/things/1',
      JSON.stringify({ name: 'Z'.repeat(100_000) }),
      'application/json',
      413,
      'REQUEST.TOO_LARGE',
    ],
    ['a content type nobody reads', '/things/1', '<name/>', 'application/xml', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    ['an unparseable date', '/things/1', '{"name":"n","due":"31/12/2026"}', 'application/json', 400, 'REQUEST.INVALID'],
    [
      'a date-time without an offset',
      '/things/1',
      '{"name":"n","at":"2026-12-31T08:00:00"}',
      'application/json',
      400,
      'REQUEST.INVALID',
    ],
    [
      'a long wrong value, quoted only in part',
      '/things/1',
      JSON.stringify({ name: 'Z'.repeat(20_000) }),
      'application/json',
      400,
      'REQUEST.INVALID',
    ],
  ])('%s', async (_what, path, body, contentType, status, code) => {
    expectProblem(await call('POST', path, body, contentType), status, code);
  });

  it('accepts what is well formed, deep enough for real documents', async () => {
    const ok = await call(
      'POST',
      '/things/%E7%A2%B3?q=%E7%A2%B3',
      JSON.stringify({ name: '碳足迹 𠮷', due: '2026-12-31' }),
    );
    expect([ok.status, ok.body]).toEqual([200, { id: '碳', name: '碳足迹 𠮷' }]);
    // a surrogate pair written as escapes is one character, and stored as it is
    const escaped = await call('POST', '/things/1', '{"name":"\\ud842\\udfb7 \\u78b3"}');
    expect([escaped.status, escaped.body]).toEqual([200, { id: '1', name: '𠮷 碳' }]);
    const nested = await call('POST', '/things/1', `{"name":"n","x":${'['.repeat(60)}${']'.repeat(60)}}`);
    expect(nested.status).toBe(200);
  });

  it('answers headers too large on the raw connection in problem+json', async () => {
    expectProblem(
      await raw(`GET /things HTTP/1.1\r\nHost: x\r\nX-Big: ${'Z'.repeat(20_000)}\r\n\r\n`),
      431,
      'REQUEST.HEADERS_TOO_LARGE',
    );
  });

  it('answers headers too large even while the client is still sending a large body', async () => {
    const body = 'Z'.repeat(4 * 1024 * 1024);
    expectProblem(
      await raw(
        `POST /things/1?q=${'Z'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      ),
      431,
      'REQUEST.HEADERS_TOO_LARGE',
    );
  });

  it('answers a request that is not HTTP in problem+json', async () => {
    expectProblem(await raw('GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n'), 400, 'REQUEST.MALFORMED');
    expectProblem(await raw('\u0016\u0003\u0001 nonsense\r\n\r\n'), 400, 'REQUEST.MALFORMED');
  });

  it('turns an error reply in another format into problem+json', async () => {
    expectProblem(await call('GET', '/legacy'), 418, 'HTTP.STATUS_418');
  });

  it('cuts an application message that quotes the request to a short excerpt', async () => {
    const a = await call('GET', '/refuses-at-length');
    expectProblem(a, 400, 'PROBE.LONG');
    expect(a.body.detail?.length).toBeLessThanOrEqual(501);
  });

  it('keeps an application refusal as it is', async () => {
    expectProblem(await call('GET', '/refuses'), 400, 'PROBE.REFUSED');
  });
});
