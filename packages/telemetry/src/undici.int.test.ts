/**
 * Outbound HTTP under the SDK as the services run it: fetch (undici) against a real node:http server.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, initTelemetry, SpanKind, SpanStatusCode, withSpan } from './index.js';

describe('outbound HTTP is traced by the undici instrumentation', () => {
  const spans = new InMemorySpanExporter();
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(req.url?.startsWith('/fail') ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  let base = '';

  beforeAll(async () => {
    initTelemetry({ serviceName: 'undici-test', exporter: spans });
    // a second call reuses the SDK: outbound calls are not traced twice
    initTelemetry({ serviceName: 'undici-test-again', exporter: new InMemorySpanExporter() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const clientSpans = () => spans.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

  it('inside a span: one client span, its context in one traceparent header, the query left out', async () => {
    spans.reset();
    const outer = await withSpan('work', {}, async (span) => {
      const res = await fetch(`${base}/records?key.id_number=330106198001011234`);
      await res.text();
      return span.spanContext();
    });
    const [client, ...more] = clientSpans();
    expect(more).toEqual([]);
    expect(client?.name).toBe('GET');
    expect(client?.parentSpanContext?.spanId).toBe(outer.spanId);
    expect(client?.spanContext().traceId).toBe(outer.traceId);
    expect(client?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${base}/records`,
      'url.query': 'REDACTED',
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(client?.attributes)).not.toContain('330106198001011234');
    expect(seen.at(-1)?.traceparent).toBe(`00-${outer.traceId}-${client?.spanContext().spanId}-01`);
  });

  it('an error status is an error on the span', async () => {
    spans.reset();
    await withSpan('work', {}, async () => (await fetch(`${base}/fail`, { method: 'POST', body: '{}' })).text());
    const [client] = clientSpans();
    expect(client?.name).toBe('POST');
    expect(client?.status.code).toBe(SpanStatusCode.ERROR);
    expect(client?.attributes['http.response.status_code']).toBe(500);
  });

  it('outside any span: no span and no trace context sent (a probe starts no trace)', async () => {
    spans.reset();
    await (await fetch(`${base}/healthz`)).text();
    expect(clientSpans()).toEqual([]);
    expect(seen.at(-1)?.traceparent).toBeUndefined();
  });

  it('a request that carries its own traceparent is left alone, so it leaves with one', async () => {
    spans.reset();
    const own = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await withSpan('proxy', {}, async () => (await fetch(`${base}/proxied`, { headers: { traceparent: own } })).text());
    expect(seen.at(-1)?.traceparent).toBe(own);
    expect(clientSpans()).toEqual([]);
  });
});
