/**
 * A delaying TCP relay for the gateway links (this kernel has no `netem`): it listens on one address,
 * connects each accepted connection to the target, and passes every chunk on `delayMs` after it
 * arrived, in order, both ways. With 15 ms each way a request and its answer take 30 ms more: one
 * round trip between two provinces. The delay can be changed while connections are open (the test
 * measures with 0 and with 15 on the same connections); a chunk is never passed before the one
 * before it. A connection closed or broken on one side is closed on the other.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface Relay {
  /** the delay each chunk gets, each way */
  delayMs: number;
  /** connections open now (accepted and not yet closed) */
  open(): number;
  close(): Promise<void>;
}

/** Passes `from`'s chunks to `to`, each `delay()` ms after it arrived, in arrival order. */
function pipeDelayed(from: Socket, to: Socket, delay: () => number): void {
  const queue: { due: number; chunk: Buffer }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const pump = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
      const next = queue.shift();
      if (next && !to.destroyed) to.write(next.chunk);
    }
    const head = queue[0];
    if (head) timer = setTimeout(pump, Math.max(0, head.due - performance.now()));
  };
  from.on('data', (chunk: Buffer) => {
    const ms = delay();
    if (ms <= 0 && queue.length === 0) {
      if (!to.destroyed) to.write(chunk);
      return;
    }
    // a later chunk is never due before an earlier one, even if the delay was lowered in between
    const due = Math.max(performance.now() + ms, queue.at(-1)?.due ?? 0);
    queue.push({ due, chunk });
    if (!timer) timer = setTimeout(pump, Math.max(0, due - performance.now()));
  });
  const end = () => {
    const last = queue.at(-1)?.due ?? performance.now();
    setTimeout(() => to.end(), Math.max(0, last - performance.now()) + 1);
  };
  from.on('end', end);
}

export async function startRelay(opts: {
  listen: { host: string; port: number };
  target: { host: string; port: number };
  delayMs?: number;
}): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay: Relay = {
    delayMs: opts.delayMs ?? 0,
    open: () => sockets.size / 2,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
  const server: Server = createServer((inbound) => {
    const outbound = createConnection({ ...opts.target, noDelay: true });
    inbound.setNoDelay(true);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        // one side gone: the other goes too (as a broken link would end a direct connection)
        inbound.destroy();
        outbound.destroy();
      });
      s.on('error', () => s.destroy());
    }
    pipeDelayed(inbound, outbound, () => relay.delayMs);
    pipeDelayed(outbound, inbound, () => relay.delayMs);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(opts.listen.port, opts.listen.host, () => done());
  });
  return relay;
}
