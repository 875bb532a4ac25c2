import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@yrd/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectProvince, type NatsConnection } from './connect.js';
import { brokerState, isBrokerUp, unlessBrokerDown } from './health.js';
import { request } from './messaging.js';
import { type RunningNats, startNatsServer } from './nats-server.js';
import { freePort } from './ports.js';

describe('the broker connection state, on a real nats-server that stops and comes back', () => {
  let dir: string;
  let server: RunningNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-nats-health-'));
    // started again on this port later: one outside the kernel's ephemeral range, so nothing else takes it meanwhile
    server = await startNatsServer({ dir, port: await freePort() });
    nc = await connectProvince({
      servers: server.url,
      credentials: server.credentials.sh,
      name: 'test/health',
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is up while connected, and work goes through', async () => {
    expect(brokerState(nc)).toBe('connected');
    expect(
      await unlessBrokerDown(
        nc,
        async () => 42,
        () => new Error('down'),
      ),
    ).toBe(42);
  });

  it('knows at once when the connection drops: work in flight and new work fail now, not at their timeouts', async () => {
    // a responder that never answers: without the watch the request would wait the full 5 s
    nc.subscribe('sh.health.silent');
    await nc.flush();
    const inFlight = unlessBrokerDown(
      nc,
      () => request(nc, 'sh.health.silent', new Uint8Array(), { timeoutMs: 5000, unavailableCode: 'T.UNAVAILABLE' }),
      () => new Error('broker down'),
    );
    const t0 = Date.now();
    const refusedAfter = inFlight.then(
      () => Number.POSITIVE_INFINITY,
      () => Date.now() - t0,
    );
    await server.stop();
    expect(await refusedAfter).toBeLessThan(1000);
    await expect(inFlight).rejects.toThrow('broker down');
    expect(brokerState(nc)).toBe('disconnected');
    let started = false;
    const t1 = Date.now();
    await expect(
      unlessBrokerDown(
        nc,
        async () => {
          started = true;
        },
        () => new Error('broker down'),
      ),
    ).rejects.toThrow('broker down');
    expect(started).toBe(false);
    expect(Date.now() - t1).toBeLessThan(100);
  });

  it('is up again once the client has reconnected', async () => {
    server = await startNatsServer({ dir, port: server.port, credentials: server.credentials });
    await expect.poll(() => isBrokerUp(nc), { timeout: 10_000, interval: 50 }).toBe(true);
    expect(
      await unlessBrokerDown(
        nc,
        async () => 'again',
        () => new Error('down'),
      ),
    ).toBe('again');
  });

  it('counts a closed connection as closed for good', async () => {
    await nc.close();
    expect(brokerState(nc)).toBe('closed');
    await expect(
      unlessBrokerDown(
        nc,
        async () => 1,
        () => new Error('closed'),
      ),
    ).rejects.toThrow('closed');
  });
});
