import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { portHint } from './nats-server.js';
import { ephemeralPortStart, freePort } from './ports.js';

const listen = (port: number) =>
  new Promise<Server>((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(port, '127.0.0.1', () => done(s));
  });
const close = (s: Server) => new Promise<void>((done) => s.close(() => done()));

describe('a port picked for a process that must be told it before it starts', () => {
  it("reads the start of the kernel's ephemeral range, and nothing from what is not one", () => {
    expect(ephemeralPortStart(() => '32768\t60999\n')).toBe(32768);
    expect(ephemeralPortStart(() => '  1024 65000')).toBe(1024);
    expect(ephemeralPortStart(() => '')).toBeUndefined();
    expect(ephemeralPortStart(() => 'many')).toBeUndefined();
    expect(ephemeralPortStart(() => '70000 80000')).toBeUndefined();
    expect(
      ephemeralPortStart(() => {
        throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      }),
    ).toBeUndefined();
  });

  it('comes from below the ephemeral range, where no outgoing connection or listen(0) lands, and is free', async () => {
    const low = ephemeralPortStart();
    const picked = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      if (low !== undefined && low > 11_000) {
        expect(port).toBeGreaterThanOrEqual(10_000);
        expect(port).toBeLessThan(low);
      }
      // free: it can be bound at once
      await close(await listen(port));
      picked.add(port);
    }
    // never the same one twice: a caller picks several before it binds any
    expect(picked.size).toBe(20);
  });

  it('is never one that is held', async () => {
    const held = await listen(await freePort());
    try {
      const address = held.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      for (let i = 0; i < 50; i++) expect(await freePort()).not.toBe(address.port);
      // and the kernel's own pick is refused for what is held too
      await expect(listen(address.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await close(held);
    }
  });

  it('names the port nats-server could not bind: the route or gateway port it says, else the one asked for', () => {
    const gateway =
      '[FTL] Error listening on gateway port: 43679 - listen tcp 127.0.0.1:43679: bind: address already in use';
    expect(portHint(gateway, undefined)).toContain('port 43679 is held by another program');
    expect(portHint('[FTL] bind: address already in use', 4222)).toContain('port 4222 is held');
    expect(portHint('[FTL] bind: address already in use', undefined)).toContain('a port it needs is held');
    expect(portHint('[FTL] bind: address already in use', -1)).not.toContain('port -1');
    expect(portHint('[INF] Server is ready', 4222)).toBe('');
  });
});
