import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { createLogger, silentLogger } from '@yrd/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { connectProvince, type NatsConnection } from './connect.js';
import { ensureStream } from './messaging.js';
import { type RunningNats, startNatsServer } from './nats-server.js';
import { untilAnswered } from './patience.js';
import { freePort } from './ports.js';
import { auditStream, subjects } from './subjects.js';

/** a logger whose lines are kept, parsed */
function kept() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'test', level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const stream = { name: auditStream('sh'), subjects: [subjects.auditAll('sh')] };

describe('a service start whose broker does not answer JetStream yet waits for it instead of failing', () => {
  const dirs: string[] = [];
  const servers: RunningNats[] = [];
  const connections: NatsConnection[] = [];
  const paused: number[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'yrd-nats-patience-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const pid of paused.splice(0)) process.kill(pid, 'SIGCONT');
    for (const nc of connections.splice(0)) await nc.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a broker too busy to answer (paused): the stream is asked for again after the timeout, and made', async () => {
    const server = await startNatsServer({ dir: dir() });
    servers.push(server);
    const nc = await connectProvince({
      servers: server.url,
      credentials: server.credentials.sh,
      name: 'test/patience-paused',
      logger: silentLogger(),
    });
    connections.push(nc);
    // the server process itself, not its supervisor: it keeps the connection, answers nothing
    const pid = Number(readFileSync(server.pidFile, 'utf8').trim());
    process.kill(pid, 'SIGSTOP');
    paused.push(pid);
    // without patience, the start would have failed here, as before
    await expect(ensureStream(nc, stream)).rejects.toThrow(/timeout/i);
    const { logger, lines } = kept();
    const made = untilAnswered('the audit stream', () => ensureStream(nc, stream), { withinMs: 60_000, logger });
    // a JetStream API request waits 5 s for its answer: the first try times out while paused
    setTimeout(() => {
      process.kill(pid, 'SIGCONT');
      paused.splice(paused.indexOf(pid), 1);
    }, 6_000);
    await expect(made).resolves.toBe('created');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      step: 'the audit stream',
      attempt: 1,
      msg: 'jetstream: no answer at start, trying again',
    });
    expect(String(lines[0]?.reason)).toMatch(/timeout/i);
    expect((await (await jetstreamManager(nc)).streams.info(stream.name)).config.subjects).toEqual(stream.subjects);
  }, 60_000);

  it('JetStream not there yet (the broker restarting without it): asked again until the broker is back with it', async () => {
    const d = dir();
    const port = await freePort();
    // the same accounts and users, no JetStream: nothing answers on its API
    const first = await startNatsServer({ dir: d, port, jetstream: false });
    servers.push(first);
    const nc = await connectProvince({
      servers: first.url,
      credentials: first.credentials.sh,
      name: 'test/patience-no-jetstream',
      logger: silentLogger(),
    });
    connections.push(nc);
    const { logger, lines } = kept();
    const made = untilAnswered('the audit stream', () => ensureStream(nc, stream), { withinMs: 60_000, logger });
    // a try or two refused for want of JetStream; then the broker comes back with it
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 50));
    await first.stop();
    servers.splice(servers.indexOf(first), 1);
    servers.push(await startNatsServer({ dir: d, port, credentials: first.credentials }));
    await expect(made).resolves.toBe('created');
    expect(lines[0]).toMatchObject({ step: 'the audit stream', attempt: 1 });
    expect(String(lines[0]?.reason)).toMatch(/jetstream is not enabled/i);
  }, 60_000);
});
