import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '@yrd/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { connectProvince, type NatsConnection } from './connect.js';
import { type RunningNats, startNatsServer } from './nats-server.js';
import { freePort } from './ports.js';

describe('the first connection to NATS: a broker not there yet is tried again, refused credentials are not', () => {
  const dirs: string[] = [];
  const servers: RunningNats[] = [];
  const connections: NatsConnection[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'yrd-nats-connect-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const nc of connections.splice(0)) await nc.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('connects once the broker comes up within the window', async () => {
    // the credentials the broker will have: from a first server, stopped before the service starts
    // on a port outside the kernel's ephemeral range, so nothing else is handed it while it is free
    const first = await startNatsServer({ dir: dir(), port: await freePort() });
    const { port, credentials } = first;
    await first.stop();

    const t0 = Date.now();
    const connecting = connectProvince({
      servers: `nats://127.0.0.1:${port}`,
      credentials: credentials.sh,
      name: 'test/late-broker',
      logger: silentLogger(),
      firstConnectWithinMs: 20_000,
    });
    await sleep(1_000);
    servers.push(await startNatsServer({ dir: dir(), port, credentials }));
    const nc = await connecting;
    connections.push(nc);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(nc.isClosed()).toBe(false);
    await nc.flush();
  });

  it('gives up at once when the broker refuses the credentials, whatever the window', async () => {
    const server = await startNatsServer({ dir: dir() });
    servers.push(server);
    const t0 = Date.now();
    await expect(
      connectProvince({
        servers: server.url,
        credentials: { user: server.credentials.sh.user, pass: 'not-the-password' },
        name: 'test/wrong-password',
        logger: silentLogger(),
        firstConnectWithinMs: 20_000,
      }),
    ).rejects.toMatchObject({ code: 'NATS.CONNECT_FAILED', message: expect.stringMatching(/\(1 try\)/) });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('gives up when the window ends with no broker, saying how many times it tried', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const failed = await connectProvince({
      servers: `nats://127.0.0.1:${port}`,
      credentials: { user: 'sh', pass: 'x' },
      name: 'test/no-broker',
      logger: silentLogger(),
      firstConnectWithinMs: 1_500,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    const waited = Date.now() - t0;
    expect(failed).toMatchObject({ code: 'NATS.CONNECT_FAILED' });
    expect((failed as Error).message).toMatch(/\((?:[4-9]|\d\d) tries\)/);
    expect(waited).toBeGreaterThanOrEqual(1_500);
    expect(waited).toBeLessThan(6_000);
  });

  it('tries once without a window', async () => {
    const port = await freePort();
    await expect(
      connectProvince({
        servers: `nats://127.0.0.1:${port}`,
        credentials: { user: 'sh', pass: 'x' },
        name: 'test/once',
        logger: silentLogger(),
      }),
    ).rejects.toMatchObject({ code: 'NATS.CONNECT_FAILED', message: expect.stringMatching(/\(1 try\)/) });
  });
});
