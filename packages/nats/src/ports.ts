/**
 * A TCP port for a process that must be told its port before it starts (a federation node whose
 * peers need its route and gateway ports, a per-service process found again where it was after a
 * restart). The port is free when returned, not reserved, so where it is drawn from matters:
 *
 * the kernel's own pick (`listen(0)`) comes from the ephemeral range, the same range it hands every
 * outgoing connection and every other `listen(0)` on the machine. Between the pick and the child's
 * bind, any of those can take it (CI saw a gateway port go to something else in that window). So the
 * port is drawn at random from below that range, where only an explicit bind lands, and checked
 * free. The kernel's pick is the fallback where the range cannot be read (not Linux).
 */

import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** below this, well-known and commonly configured ports (PostgreSQL 5432, NATS 4222, the demo's) */
const FLOOR = 10_000;
const TRIES = 64;

/** The first port of the kernel's ephemeral range, or undefined where it cannot be read. */
export function ephemeralPortStart(
  read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): number | undefined {
  try {
    const low = Number.parseInt(read().trim().split(/\s+/)[0] ?? '', 10);
    return Number.isSafeInteger(low) && low > 0 && low <= 65_535 ? low : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ports this process handed out lately, not handed out again: a caller picks several before any is
 * bound (a region's route and gateway ports, a province's per-service ports), and a random draw
 * could repeat one. Bounded, oldest forgotten first.
 */
const handedOut = new Set<number>();
const REMEMBERED = 4_096;

function handOut(port: number): number {
  handedOut.add(port);
  if (handedOut.size > REMEMBERED) {
    const oldest = handedOut.values().next().value;
    if (oldest !== undefined) handedOut.delete(oldest);
  }
  return port;
}

/**
 * A TCP port on `host` free now, outside the kernel's ephemeral range when it can be (see above),
 * and not one this process handed out lately.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const low = ephemeralPortStart();
  if (low !== undefined && low - FLOOR >= 1_000) {
    for (let i = 0; i < TRIES; i++) {
      const port = FLOOR + randomInt(low - FLOOR);
      if (!handedOut.has(port) && (await listenOn(port, host)) === port) return handOut(port);
    }
  }
  for (let i = 0; i < TRIES; i++) {
    const port = await listenOn(0, host);
    if (port === undefined) break;
    if (!handedOut.has(port)) return handOut(port);
  }
  throw new Error(`no free TCP port on ${host}`);
}

/** Listens on `port` (0 = the kernel's pick) and closes again: the port it got, or undefined if taken. */
function listenOn(port: number, host: string): Promise<number | undefined> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') done(undefined);
      else fail(err);
    });
    s.listen(port, host, () => {
      const addr = s.address();
      s.close(() => done(typeof addr === 'object' && addr ? addr.port : undefined));
    });
  });
}
