/**
 * The exchange bench's server process (bench/src/exchange.ts forks it): the four-province region as
 * the demo keeps it (PGlite on disk, or PostgreSQL), with the production log level (info, to
 * stdout, which the parent sends to a file) and telemetry on (every request traced, spans exported
 * over OTLP/HTTP to a collector the parent stands up); or, before it, the ladder's servers. Its CPU
 * is what the bench divides by the requests.
 */
import type { JsonWebKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { anchorsFrom, type TrustList } from '@yrd/auth';
import { openDatabase } from '@yrd/db';
import { createLogger } from '@yrd/logger';
import { connectProvince, type NatsConnection, type NatsCredentials } from '@yrd/nats';
import { type ProvinceNode, type Region, type RegionSecrets, startProvinceNode, startRegion } from '@yrd/node';
import { type Province, provinces } from '@yrd/region';
import { initTelemetry } from '@yrd/telemetry';
import { bookings, licences, loadRecords } from './dataset.js';
import { serveCalls } from './ipc.js';
import { type LadderServer, startLadderServer } from './ladder.js';

const telemetry = initTelemetry({
  serviceName: 'yrd-bench-region',
  otlpEndpoint: process.env.BENCH_OTLP_ENDPOINT,
});
const logger = createLogger({ name: 'yrd-bench-region', level: 'info' });

let ladder: LadderServer | undefined;
let region: Region | undefined;
/** the province nodes of this process, when the bench splits the region into processes */
const nodes: ProvinceNode[] = [];
let responder: { nc: NatsConnection; sub: { unsubscribe(): void } } | undefined;
let session: Session | undefined;

serveCalls({
  ladderStart: async (a: { dir: string; databaseUrl?: string; records: number }) => {
    ladder = await startLadderServer({ dir: a.dir, databaseUrl: a.databaseUrl, logger, records: a.records });
    return { client: ladder.client, keys: ladder.keys, natsPid: ladder.natsPid };
  },
  ladderStop: async () => {
    await ladder?.stop();
    ladder = undefined;
  },
  regionStart: async (a: { dir: string; databaseUrl?: string; secrets: RegionSecrets }) => {
    region = await startRegion({
      logger,
      dataDir: a.dir,
      inMemory: false,
      databaseUrl: a.databaseUrl,
      secrets: a.secrets,
      ports: 'random',
      devMode: true,
      seed: true,
    });
    return {
      urls: Object.fromEntries(provinces.map((p) => [p, region?.nodes[p].url])) as Record<Province, string>,
      natsUrl: region.nats.url,
      natsPid: Number(readFileSync(region.nats.pidFile, 'utf8').trim()),
    };
  },
  /** one province's node (of those this process holds when the region is split), against a nats-server already running */
  provinceStart: async (a: {
    province: Province;
    dir: string;
    databaseUrl?: string;
    secrets: RegionSecrets & { keys: Record<Province, { privateJwk: JsonWebKey; publicJwk: JsonWebKey }> };
    natsUrl: string;
  }) => {
    const trust = Object.fromEntries(provinces.map((p) => [p, a.secrets.keys[p].publicJwk])) as TrustList;
    const node = await startProvinceNode({
      province: a.province,
      logger,
      nats: { url: a.natsUrl, credentials: a.secrets.nats[a.province] },
      dataDir: a.databaseUrl ? undefined : join(a.dir, a.province),
      databaseUrl: a.databaseUrl?.replaceAll('{province}', a.province),
      trust: anchorsFrom(trust, '1970-01-01T00:00:00.000Z'),
      privateKey: { jwk: a.secrets.keys[a.province].privateJwk },
      subjectKeys: a.secrets.subjectKeys,
      devMode: true,
      seed: true,
      ports: 'random',
    });
    nodes.push(node);
    return { url: node.url };
  },
  /** every node is up: its catalogue pulls the others' entries now rather than on its timer */
  syncCatalog: async () => {
    await Promise.all(nodes.map((n) => n.syncCatalog()));
  },
  /** the bench's records into 浙江's embedded datasets, beside the demo's */
  seed: async (a: { databaseUrl?: string; records: number }) => {
    const zj = region ? region.nodes.zj : nodes.find((n) => n.province === 'zj');
    if (!zj) throw new Error('no 浙江 node here');
    const sets = [bookings(a.records), licences(a.records)];
    const shared = zj.database;
    if (shared) return loadRecords(shared, sets);
    if (!a.databaseUrl) throw new Error('neither PGlite nor a database URL');
    const h = await openDatabase({ url: a.databaseUrl.replaceAll('{province}', 'zj'), poolSize: 1 });
    try {
      return await loadRecords(h, sets);
    } finally {
      await h.close();
    }
  },
  /** the raw baseline's responder: 浙江's account, on 上海's lane, a same-size answer */
  rawResponder: async (a: { subject: string; replyBytes: number; natsUrl: string; credentials: NatsCredentials }) => {
    const nc = await connectProvince({
      servers: a.natsUrl,
      credentials: a.credentials,
      name: 'bench/raw-zj',
      logger,
    });
    const payload = new Uint8Array(a.replyBytes).fill(0x61);
    const sub = nc.subscribe(a.subject, { queue: 'bench', callback: (_e, m) => void m.respond(payload) });
    await nc.flush();
    responder = { nc, sub };
  },
  rawStop: async () => {
    responder?.sub.unsubscribe();
    await responder?.nc.close();
    responder = undefined;
  },
  profileStart: async () => {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  },
  profileStop: async (a: { file: string }) => {
    if (!session) throw new Error('not profiling');
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    session = undefined;
    writeFileSync(a.file, JSON.stringify(profile));
  },
  exit: async () => {
    await ladder?.stop();
    responder?.sub.unsubscribe();
    await responder?.nc.close().catch(() => undefined);
    await region?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await telemetry.shutdown().catch(() => undefined);
    setImmediate(() => process.exit(0));
  },
});
