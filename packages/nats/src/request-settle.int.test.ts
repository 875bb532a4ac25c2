import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { RequestOne } from '@nats-io/nats-core/internal';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import { silentLogger } from '@yrd/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectProvince, type NatsConnection } from './connect.js';
import { ensureStream } from './messaging.js';
import { type RunningNats, startNatsServer } from './nats-server.js';
import { requestSettleState } from './request-settle.js';

/**
 * Requests answered without the library's `cancel()` after a reply (request-settle.ts): the caller
 * sees what it saw before — the reply, a timeout, "no responders" — and the request leaves the
 * connection's table of requests in flight, but `cancel()`, which built an Error each time, is not
 * called for a reply any more.
 */
describe('NATS requests settled without an Error built for nothing', () => {
  let dir: string;
  let server: RunningNats;
  let nc: NatsConnection;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  /** how many times the library's `cancel()` ran while `fn` did */
  const cancels = async (fn: () => Promise<unknown>) => {
    const proto = RequestOne.prototype as unknown as { cancel: (this: unknown, err?: Error) => void };
    const library = proto.cancel;
    let n = 0;
    proto.cancel = function (this: unknown, err?: Error) {
      n += 1;
      library.call(this, err);
    };
    try {
      await fn();
    } finally {
      proto.cancel = library;
    }
    return n;
  };
  /** the requests the connection still waits on (nats.js's table of muxed requests) */
  const inFlight = () =>
    (nc as unknown as { protocol: { muxSubscriptions: { reqs: Map<string, unknown> } } }).protocol.muxSubscriptions.reqs
      .size;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yrd-nats-settle-'));
    server = await startNatsServer({ dir });
    nc = await connectProvince({
      servers: server.url,
      credentials: server.credentials.sh,
      name: 'test/settle',
      logger: silentLogger(),
    });
    nc.subscribe('test.echo', { callback: (_e, m) => void m.respond(m.data) });
    nc.subscribe('test.silent', { callback: () => {} });
    await nc.flush();
  });
  afterAll(async () => {
    await nc.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is in place once a province connects', () => {
    expect(requestSettleState()).toBe('settled');
  });

  it('is known as in place by a second instance of the module in the process', async () => {
    const resolverBefore = (RequestOne.prototype as unknown as { resolver: unknown }).resolver;
    vi.resetModules();
    const again = (await import('./request-settle.js')) as typeof import('./request-settle.js');
    expect(again.requestSettleState()).toBe('library');
    again.settleRequestsWithoutCancelError();
    expect(again.requestSettleState()).toBe('settled');
    // the first instance's resolver stays: not wrapped twice
    expect((RequestOne.prototype as unknown as { resolver: unknown }).resolver).toBe(resolverBefore);
  });

  it('a reply reaches the caller, the request leaves the table, and no cancel() runs', async () => {
    let replies: string[] = [];
    const n = await cancels(async () => {
      const all = await Promise.all(
        ['a', 'b', 'c'].map((s) => nc.request('test.echo', enc.encode(s), { timeout: 5_000 })),
      );
      replies = all.map((m) => dec.decode(m.data));
    });
    expect(replies).toEqual(['a', 'b', 'c']);
    expect(n).toBe(0);
    expect(inFlight()).toBe(0);
  });

  it('no responders is still a RequestError that says so', async () => {
    const err = await nc.request('test.nobody', enc.encode('x'), { timeout: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).isNoResponders()).toBe(true);
    expect(inFlight()).toBe(0);
  });

  it('a request nobody answers still times out, and leaves the table', async () => {
    const err = await nc.request('test.silent', enc.encode('x'), { timeout: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(inFlight()).toBe(0);
  });

  it('a JetStream publish (a request for its ack) is acknowledged as before, with no cancel()', async () => {
    await ensureStream(nc, { name: 'SETTLE_TEST', subjects: ['settle.>'] });
    const js = jetstream(nc);
    const acks: { seq: number; duplicate: boolean }[] = [];
    const n = await cancels(async () => {
      acks.push(await js.publish('settle.one', enc.encode('1'), { msgID: 'm-1' }));
      acks.push(await js.publish('settle.one', enc.encode('1'), { msgID: 'm-1' }));
    });
    expect(acks.map((a) => [a.seq, a.duplicate])).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(n).toBe(0);
  });
});
