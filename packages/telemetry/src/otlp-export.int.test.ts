/**
 * Spans leave the process as OTLP/HTTP with protobuf bodies (the collector's default encoding; a
 * third of JSON's bytes, and cheaper to write per span), to the configured traces endpoint.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTelemetry, withSpan } from './index.js';

interface Received {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
}

describe('span export to a collector', () => {
  const received: Received[] = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  let telemetry: { shutdown: () => Promise<void> };

  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = (collector.address() as AddressInfo).port;
    telemetry = initTelemetry({ serviceName: 'otlp-export-test', otlpEndpoint: `http://127.0.0.1:${port}/v1/traces` });
  });
  afterAll(async () => {
    collector.closeAllConnections();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('posts finished spans to /v1/traces as protobuf, with the service and span names', async () => {
    await withSpan('exchange.query 跨省查询', { attributes: { 'yrd.province': 'sh' } }, async () => {});
    await telemetry.shutdown();
    const traces = received.filter((r) => r.url === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    for (const r of traces) {
      expect(r.method).toBe('POST');
      expect(r.contentType).toBe('application/x-protobuf');
    }
    const body = Buffer.concat(traces.map((r) => r.body));
    // protobuf keeps strings as their UTF-8 bytes; JSON would start with '{'
    expect(body[0]).not.toBe('{'.charCodeAt(0));
    expect(body.includes(Buffer.from('otlp-export-test'))).toBe(true);
    expect(body.includes(Buffer.from('exchange.query 跨省查询'))).toBe(true);
    expect(body.includes(Buffer.from('yrd.province'))).toBe(true);
  });
});
