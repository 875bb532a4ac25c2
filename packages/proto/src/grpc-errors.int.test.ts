import { createServer } from 'node:net';
import { AppError } from '@yrd/errors';
import { describe, expect, it } from 'vitest';
import { call, insecureClient } from './grpc.js';
import { catalogV1 } from './index.js';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('a gRPC call that cannot reach its server', () => {
  it('raises the caller’s 503 code with a message that names the call, not the address or the socket error', async () => {
    const port = await closedPort();
    const c = insecureClient(catalogV1.CatalogServiceClient, `127.0.0.1:${port}`);
    const err = await call(
      c,
      c.getResource,
      { id: 'sh.310000-X-00001' },
      { name: 'catalog.GetResource', unavailableCode: 'EXCHANGE.CATALOG_UNAVAILABLE', deadlineMs: 2000 },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    c.close();
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.kind).toBe('unavailable');
    expect(e.code).toBe('EXCHANGE.CATALOG_UNAVAILABLE');
    expect(e.message).toContain('catalog.GetResource');
    expect(e.message).not.toContain(String(port));
    expect(e.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|No connection/);
    // the log still learns what happened, from the cause
    expect(String((e.cause as { details?: string }).details ?? e.cause)).toMatch(/ECONNREFUSED|connect|No connection/i);
  });
});
