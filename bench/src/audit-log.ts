/**
 * `npm run bench:audit`: a province's audit log (留痕) at 1,000,000 entries.
 *
 * Synthetic events as the services write them (exchange queries served and requested, verifications,
 * subscriptions, consent decisions; UUID request ids, resource ids, credit codes, 64-hex payload hashes
 * and subject references; no personal data), into the audit service as `startAudit` runs it: its
 * AuditLog over its AuditRepo, heads signed every 64 appends.
 *
 * 1. Transport first, on fresh logs of BENCH_AUDIT_TRANSPORT_EVENTS: events published with
 *    `AuditPublisher` (64 publishes in flight, each waits for JetStream's ack) and taken in by the
 *    service's own ingestion (JetStream consumer → `appendMany`), live and as a backlog drained at start.
 * 2. BENCH_AUDIT_ENTRIES appended straight through `AuditLog.appendMany` in batches of 200 (the
 *    ingestion's batch), events/s per tenth (at most per 100,000) to see whether appends slow down.
 * 3. A restart at that size (the service loads its frontier and latest head, and analyses the table
 *    when its statistics are stale), then latencies: `trace({ requestId })` (lookup, head, proof), the same over HTTP, the
 *    inclusion proof alone, and `consistency(from, to)` between random signed heads, with and without
 *    its lookups.
 * 4. `AuditLog.verify()` over the whole log (the verification job, page by page): time, the longest
 *    event-loop block and the process's peak RSS. Verify at 1M and 5M, against the whole-log pass it
 *    replaced, is bench/src/audit-verify.ts (the second half of `npm run bench:audit`).
 *
 * PGlite on disk in a temporary folder by default (as a node with YRD_DATA_DIR keeps it);
 * BENCH_PGLITE=memory for in-memory PGlite, BENCH_DATABASE_URL for PostgreSQL (its `audit` schema is
 * dropped and recreated). Results go to bench/RESULTS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHistogram,
  type IntervalHistogram,
  monitorEventLoopDelay,
  type RecordableHistogram,
} from 'node:perf_hooks';
import { type AuditLog, AuditPublisher, auditMigrations, type RunningAudit, startAudit } from '@yrd/audit';
import { parseConfig, z } from '@yrd/config';
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import type { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { ServiceDeps } from '@yrd/runtime';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
// the pure Merkle code the service proves with, to time a proof without its lookup (read only)
import {
  MerkleLog,
  MerkleTree,
  recordLeaf,
  verifyConsistency,
  verifyInclusion,
} from '../../services/audit/src/domain/index.js';
import { event, requestIdOf } from './audit-sample.js';
import { writeSection } from './results.js';

const config = parseConfig(
  z.object({
    BENCH_AUDIT_ENTRIES: z.coerce.number().int().min(1_000).max(5_000_000).default(1_000_000),
    BENCH_AUDIT_TRANSPORT_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
    /** random seqs traced (and proved alone) */
    BENCH_AUDIT_TRACES: z.coerce.number().int().min(10).max(100_000).default(3_000),
    /** random pairs of signed heads */
    BENCH_AUDIT_PAIRS: z.coerce.number().int().min(10).max(100_000).default(300),
    BENCH_DATABASE_URL: z.string().url().optional(),
    BENCH_PGLITE: z.enum(['disk', 'memory']).default('disk'),
  }),
  process.env,
);

/** what services/audit/src/adapters/nats.ts appends together at most */
const BATCH = 200;
/** publishes in flight: the services of a province each publish one event per request, concurrently */
const IN_FLIGHT = 64;
const HTTP_TRACES = 500;

const storage = config.BENCH_DATABASE_URL
  ? 'PostgreSQL'
  : config.BENCH_PGLITE === 'disk'
    ? 'PGlite on disk'
    : 'PGlite in memory';

/** Storage for one log, empty: a new PGlite folder, or the PostgreSQL database without its audit schema. */
async function freshDatabase(): Promise<{ db: DatabaseHandle; dispose: () => Promise<void> }> {
  if (config.BENCH_DATABASE_URL) {
    const db = await openDatabase({ url: config.BENCH_DATABASE_URL, poolSize: 4 });
    await db.db.execute(sql`drop schema if exists audit cascade`);
    return {
      db,
      dispose: async () => {
        await db.db.execute(sql`drop schema if exists audit cascade`);
        await db.close();
      },
    };
  }
  const dir = config.BENCH_PGLITE === 'disk' ? mkdtempSync(join(tmpdir(), 'yrd-bench-audit-')) : undefined;
  const db = await openDatabase({ dataDir: dir });
  return {
    db,
    dispose: async () => {
      await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilSize(running: RunningAudit, size: number, timeoutMs = 15 * 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (running.log.size < size) {
    if (Date.now() > until) throw new Error(`the log holds ${running.log.size} of ${size} after ${timeoutMs} ms`);
    await sleep(5);
  }
}

async function publishAll(pub: AuditPublisher, events: auditV1.AuditEvent[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const ev = events[next++]!;
      const r = await pub.publish(ev);
      if (r.duplicate) throw new Error(`event ${ev.eventId} published twice`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

interface TransportRun {
  events: number;
  publishSeconds: number;
  /** from the first publish (live) or from the service's start (backlog) to the last event in the log */
  ingestSeconds: number;
}

/** Events published while the service runs: publish, consume and append at once. */
async function transportLive(tb: Testbed, home: Province, m: number): Promise<TransportRun> {
  const { db, dispose } = await freshDatabase();
  try {
    const running = await startAudit(await tb.deps(home, { db }));
    try {
      const pub = new AuditPublisher(await tb.connect(home), home);
      await pub.ensure();
      const events = Array.from({ length: m }, (_, i) => event(home, i));
      const t0 = performance.now();
      await publishAll(pub, events);
      const published = performance.now();
      await untilSize(running, m);
      const done = performance.now();
      if (running.log.size !== m) throw new Error(`expected ${m} entries, the log holds ${running.log.size}`);
      return { events: m, publishSeconds: (published - t0) / 1000, ingestSeconds: (done - t0) / 1000 };
    } finally {
      await running.stop();
    }
  } finally {
    await dispose();
  }
}

/** Events already in the stream when the service starts: the consumer drains the backlog. */
async function transportBacklog(tb: Testbed, home: Province, m: number): Promise<TransportRun> {
  const { db, dispose } = await freshDatabase();
  try {
    const pub = new AuditPublisher(await tb.connect(home), home);
    await pub.ensure();
    const events = Array.from({ length: m }, (_, i) => event(home, i));
    const t0 = performance.now();
    await publishAll(pub, events);
    const published = performance.now();
    // migrated beforehand, so the start timed below is the consumer's and the log's
    await migrate(db, 'audit', auditMigrations);
    const deps = await tb.deps(home, { db });
    const t1 = performance.now();
    const running = await startAudit(deps);
    try {
      await untilSize(running, m);
      const done = performance.now();
      if (running.log.size !== m) throw new Error(`expected ${m} entries, the log holds ${running.log.size}`);
      return { events: m, publishSeconds: (published - t0) / 1000, ingestSeconds: (done - t1) / 1000 };
    } finally {
      await running.stop();
    }
  } finally {
    await dispose();
  }
}

/**
 * The in-memory part of an append, µs per event: the leaf (canonical JSON, SHA-256) with the frontier,
 * which is also what verify recomputes per record, and the proof tree's append.
 */
function inMemoryMicros(home: Province, count: number): { leaf: number; tree: number } {
  const events = Array.from({ length: count }, (_, i) => event(home, i));
  const log = new MerkleLog();
  const leaves: Buffer[] = [];
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    const leaf = recordLeaf({ ...events[i]!, seq: i });
    log.append(leaf);
    leaves.push(leaf);
  }
  log.root();
  const t1 = performance.now();
  const tree = new MerkleTree();
  for (const l of leaves) tree.append(l);
  const t2 = performance.now();
  return { leaf: ((t1 - t0) * 1000) / count, tree: ((t2 - t1) * 1000) / count };
}

/** Event-loop delay from now on; one tick first, or a block that starts at once is not seen. */
async function watchLoop(): Promise<IntervalHistogram> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await sleep(30);
  return h;
}

/** Deterministic PRNG (mulberry32): the same seqs and pairs on every run. */
function random(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const rss = () => process.memoryUsage().rss;
/** the process's high-water mark of resident memory, bytes */
const maxRss = () => process.resourceUsage().maxRSS * 1024;
const fmt = (x: number) => Math.round(x).toLocaleString('en');
/** histogram values are ns; milliseconds with three decimals keep the microsecond proofs readable */
const ms = (ns: number) => (ns / 1e6).toFixed(3);
const latencyRow = (what: string, h: RecordableHistogram) =>
  `| ${what} | ${fmt(h.count)} | ${ms(h.percentile(50))} | ${ms(h.percentile(95))} | ${ms(h.percentile(99))} | ${ms(h.max)} |`;

async function timed<T>(h: RecordableHistogram, fn: () => Promise<T> | T): Promise<T> {
  const s = process.hrtime.bigint();
  const out = await fn();
  h.record(process.hrtime.bigint() - s);
  return out;
}

interface Appended {
  seconds: number;
  /** seconds for the first BENCH_AUDIT_TRANSPORT_EVENTS, to set beside the transport runs */
  firstSeconds: number;
  steps: { upTo: number; seconds: number; rssMiB: number }[];
  rssAtStartMiB: number;
  /** how long the thread was held at a time (event-loop delay), ms */
  loop: { p50: number; p99: number; max: number };
}

/**
 * Appends n events into a started service, batch by batch as the ingestion hands them over, and
 * stops it: nothing of that service stays reachable, so the restart after holds one tree, as in life.
 */
async function appendAll(deps: ServiceDeps, home: Province, n: number, m: number): Promise<Appended> {
  const running = await startAudit(deps);
  try {
    const rssAtStartMiB = mib(rss());
    const step = Math.min(100_000, Math.max(BATCH, Math.floor(n / 10 / BATCH) * BATCH));
    const steps: Appended['steps'] = [];
    let appendNs = 0n;
    let stepNs = 0n;
    let firstSeconds: number | undefined;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    for (let i = 0; i < n; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => event(home, i + j));
      const s = process.hrtime.bigint();
      const results = await running.log.appendMany(batch);
      const took = process.hrtime.bigint() - s;
      appendNs += took;
      stepNs += took;
      const last = results.at(-1);
      if (!last || !('seq' in last) || last.duplicate || last.seq !== i + batch.length - 1) {
        throw new Error(`batch at ${i}: unexpected result ${JSON.stringify(last)}`);
      }
      const upTo = i + batch.length;
      if (firstSeconds === undefined && upTo >= m) firstSeconds = Number(appendNs) / 1e9;
      if (upTo % step === 0 || upTo === n) {
        const seconds = Number(stepNs) / 1e9;
        steps.push({ upTo, seconds, rssMiB: mib(rss()) });
        const from = steps.at(-2)?.upTo ?? 0;
        const heap = mib(process.memoryUsage().heapUsed);
        console.log(
          `  ${fmt(upTo)}: ${fmt((upTo - from) / seconds)} events/s, rss ${mib(rss())} MiB, heap ${heap} MiB`,
        );
        stepNs = 0n;
      }
      // the ingestion waits on the broker between batches; without a turn of the event loop here the
      // broker connection's pings go unanswered for the whole run and it is dropped as stale
      await new Promise((r) => setImmediate(r));
    }
    loop.disable();
    const seconds = Number(appendNs) / 1e9;
    return {
      seconds,
      firstSeconds: firstSeconds ?? seconds,
      steps,
      rssAtStartMiB,
      loop: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    };
  } finally {
    await running.stop();
  }
}

/** Traces each seq by its request id; every tenth proof is checked against the head. */
async function traceAll(log: AuditLog, home: Province, seqs: number[]): Promise<RecordableHistogram> {
  const h = createHistogram();
  for (const [k, seq] of seqs.entries()) {
    const page = await timed(h, () => log.trace({ requestId: requestIdOf(home, seq), limit: 100 }));
    const r = page.records[0];
    if (page.records.length !== 1 || r?.seq !== seq) throw new Error(`trace of seq ${seq} found ${r?.seq}`);
    const proved =
      k % 10 !== 0 ||
      verifyInclusion(
        Buffer.from(r.leafHash, 'hex'),
        seq,
        r.proof.treeSize,
        r.proof.path.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(page.head.rootHash, 'hex'),
      );
    if (!proved) throw new Error(`the inclusion proof of seq ${seq} does not verify`);
  }
  return h;
}

async function main() {
  const n = config.BENCH_AUDIT_ENTRIES;
  const m = config.BENCH_AUDIT_TRANSPORT_EVENTS;
  const home: Province = 'sh';
  const tb = await createTestbed();
  const startedAt = performance.now();
  try {
    console.log(`transport: ${fmt(m)} events through JetStream into the ingestion (${storage}) …`);
    const live = await transportLive(tb, 'js', m);
    console.log(`  live: ${fmt(m / live.ingestSeconds)} events/s end to end`);
    const backlog = await transportBacklog(tb, 'zj', m);
    console.log(`  backlog: ${fmt(m / backlog.ingestSeconds)} events/s drained`);
    const micros = inMemoryMicros('ah', 100_000);
    const memMicros = micros.leaf + micros.tree;
    console.log(`  in memory: leaf ${micros.leaf.toFixed(2)} µs, tree ${micros.tree.toFixed(2)} µs per event`);

    const { db, dispose } = await freshDatabase();
    try {
      const deps = await tb.deps(home, { db });
      // the broker connection's ups and downs, should a step stall on it
      void (async () => {
        for await (const s of deps.nc.status()) if (s.type !== 'ping') console.log(`  nats: ${s.type}`);
      })();

      // 1. appends straight into the log
      console.log(`appending ${fmt(n)} events through AuditLog.appendMany (${storage}), batches of ${BATCH} …`);
      const appended = await appendAll(deps, home, n, m);
      const [stats] = await db.rows<{ records: string; heads: string; bytes: string }>(sql`
        select (select count(*) from audit.records) as records, (select count(*) from audit.tree_heads) as heads,
          pg_total_relation_size('audit.records') as bytes`);

      // 2. a restart at this size
      const loop = await watchLoop();
      const r0 = performance.now();
      const running = await startAudit(deps);
      const restartSeconds = (performance.now() - r0) / 1000;
      await sleep(30);
      loop.disable();
      const blockedSeconds = loop.max / 1e9;
      console.log(
        `restart at ${fmt(n)}: ${restartSeconds.toFixed(1)} s (event loop blocked up to ${blockedSeconds.toFixed(1)} s), rss ${mib(rss())} MiB`,
      );
      try {
        const log = running.log;
        const head = await log.latestHead();
        if (head.size !== n) throw new Error(`latest head covers ${head.size}, expected ${n}`);

        // 3. latencies at this size
        const next = random(20260105);
        const seqs = Array.from({ length: config.BENCH_AUDIT_TRACES }, () => next(n));
        const trace = await traceAll(log, home, seqs);
        console.log(`trace: p50 ${ms(trace.percentile(50))} ms, p99 ${ms(trace.percentile(99))} ms`);

        const token = await tb.token(aPrincipal({ province: home, sub: `${home}-auditor`, roles: ['auditor'] }));
        const overHttp = createHistogram();
        for (const seq of seqs.slice(0, HTTP_TRACES)) {
          const res = await timed(overHttp, async () => {
            const r = await fetch(`${running.httpUrl}/api/audit/v1/records?requestId=${requestIdOf(home, seq)}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return { status: r.status, body: (await r.json()) as { records: { seq: number }[] } };
          });
          if (res.status !== 200 || res.body.records[0]?.seq !== seq)
            throw new Error(`HTTP trace of seq ${seq} failed`);
        }

        // the same proofs from a tree built as the service builds its own, without the lookup
        const leaves = await db.rows<{ leaf_hash: string }>(sql`select leaf_hash from audit.records order by seq`);
        let tree: MerkleTree | undefined = new MerkleTree();
        for (const l of leaves) tree.append(Buffer.from(l.leaf_hash, 'hex'));
        leaves.length = 0;
        if (tree.root(n).toString('hex') !== head.rootHash) throw new Error('the rebuilt tree disagrees with the head');
        const proofAlone = createHistogram();
        for (const seq of seqs) {
          const t = tree;
          await timed(proofAlone, () => t.inclusionProof(seq, n).map((p) => p.toString('hex')));
        }

        const sizes = (await db.rows<{ size: string | number }>(sql`select size from audit.tree_heads order by size`))
          .map((r) => Number(r.size))
          .filter((s) => s > 0);
        const consistency = createHistogram();
        const consistencyAlone = createHistogram();
        for (let k = 0; k < config.BENCH_AUDIT_PAIRS; k++) {
          let a = sizes[next(sizes.length)]!;
          let b = sizes[next(sizes.length)]!;
          if (a > b) [a, b] = [b, a];
          const view = await timed(consistency, () => log.consistency(a, b));
          const t = tree;
          await timed(consistencyAlone, () => t.consistencyProof(a, b).map((p) => p.toString('hex')));
          const proved =
            k % 10 !== 0 ||
            (view.from !== undefined &&
              verifyConsistency(
                a,
                b,
                Buffer.from(view.from.rootHash, 'hex'),
                Buffer.from(view.to.rootHash, 'hex'),
                view.proof.map((p) => Buffer.from(p, 'hex')),
              ));
          if (!proved) throw new Error(`the consistency proof ${a} → ${b} does not verify`);
        }
        tree = undefined;
        console.log(`consistency: p50 ${ms(consistency.percentile(50))} ms`);

        const { steps } = appended;
        const rate = (k: number) => {
          const s = steps[k];
          return s ? (s.upTo - (steps[k - 1]?.upTo ?? 0)) / s.seconds : Number.NaN;
        };
        const stepRows = steps.map((s, k) => {
          const from = steps[k - 1]?.upTo ?? 0;
          const cumulative = steps.slice(0, k + 1).reduce((t, x) => t + x.seconds, 0);
          return `| ${fmt(from)}–${fmt(s.upTo)} | ${fmt(rate(k))} | ${fmt(s.upTo / cumulative)} | ${fmt(s.rssMiB)} |`;
        });
        const report = (verifyText: string) =>
          writeSection(
            `## Audit log at ${fmt(n)} entries — ${storage}`,
            `One process (the audit service, its ${storage === 'PostgreSQL' ? 'database client' : 'embedded database'} and the load) plus nats-server, on 2 cores
that other jobs may share. ${fmt(n)} synthetic events of a busy province (exchange queries served and
requested, verifications, subscriptions, consent decisions; UUID request ids, resource ids, credit codes,
64-hex payload hashes; no personal data), appended into the audit service as \`startAudit\` runs it (its
\`AuditLog\` over its \`AuditRepo\`, a signed head every 64 appends, so one per batch here). Storage: ${storage}${
              storage === 'PGlite on disk' ? ' (a temporary folder, as a node with YRD_DATA_DIR keeps it)' : ''
            }; the records table took ${fmt(mib(Number(stats?.bytes ?? 0)))} MiB with its indexes (${fmt(Number(stats?.records ?? 0))} records, ${fmt(Number(stats?.heads ?? 0))} signed heads). Whole run ${((performance.now() - startedAt) / 60_000).toFixed(1)} min.

**Append: ${fmt(n / appended.seconds)} events/s** straight through \`AuditLog.appendMany\` in batches of ${BATCH}
(the ingestion's batch), ${appended.seconds.toFixed(1)} s for ${fmt(n)}; the first ${fmt(m)} went in at ${fmt(m / appended.firstSeconds)} events/s,
the last step at ${fmt(rate(steps.length - 1))} (${((rate(steps.length - 1) / rate(0)) * 100).toFixed(0)} % of the first step's). The in-memory part of an append
(canonical JSON and leaf hash with the frontier ${micros.leaf.toFixed(1)} µs, the proof tree ${micros.tree.toFixed(1)} µs) costs ${memMicros.toFixed(1)} µs per event, a ceiling of ${fmt(1e6 / memMicros)} events/s;
the rest is the database: the duplicate check, the inserts with their indexes, the frontier and the head.
While appending, the event loop was held ${fmt(appended.loop.p50)} ms at a time at p50, ${fmt(appended.loop.p99)} ms at p99, ${fmt(appended.loop.max)} ms at most${
              storage === 'PostgreSQL'
                ? ''
                : ' (PGlite runs every statement synchronously in this thread, so a batch holds it for its whole transaction)'
            }.

| run | events | s | events/s |
|---|---:|---:|---:|
| \`appendMany\` direct, batches of ${BATCH} | ${fmt(n)} | ${appended.seconds.toFixed(1)} | ${fmt(n / appended.seconds)} |
| JetStream → ingestion, live: ${IN_FLIGHT} publishes in flight, first publish → last in the log | ${fmt(m)} | ${live.ingestSeconds.toFixed(1)} | ${fmt(m / live.ingestSeconds)} |
| JetStream → ingestion, backlog drained at start | ${fmt(m)} | ${backlog.ingestSeconds.toFixed(1)} | ${fmt(m / backlog.ingestSeconds)} |
| publishing alone (${IN_FLIGHT} in flight, each acked by JetStream) | ${fmt(m)} | ${backlog.publishSeconds.toFixed(1)} | ${fmt(m / backlog.publishSeconds)} |

Append speed as the log grows (direct; RSS ${fmt(appended.rssAtStartMiB)} MiB before the first append):

| entries | events/s in this step | events/s so far | RSS MiB after |
|---|---:|---:|---:|
${stepRows.join('\n')}

**Latency at ${fmt(n)} entries**, after a restart: loading the frontier and the latest head, and analysing the
table when its statistics are stale (the service checks at start and every 10 minutes: PGlite runs no autovacuum) took ${restartSeconds.toFixed(1)} s,
with the event loop blocked for up to ${blockedSeconds.toFixed(1)} s at a time. Random seqs; each trace finds one record by its request id.

| operation | samples | p50 ms | p95 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|---:|
${latencyRow('`trace({ requestId })`: lookup, head, inclusion proof', trace)}
${latencyRow('GET /api/audit/v1/records?requestId= (token, HTTP, JSON)', overHttp)}
${latencyRow('inclusion proof alone (`MerkleTree`, hex)', proofAlone)}
${latencyRow('`consistency(from, to)`: two head lookups and the proof', consistency)}
${latencyRow('consistency proof alone', consistencyAlone)}

${verifyText}
`,
          );
        // written now, so a verify that does not fit still leaves the rest
        report(`**Verify ${fmt(n)} entries:** did not finish (the process ended during \`AuditLog.verify()\`).`);

        // 4. the whole log reloaded and checked
        const rssBefore = rss();
        const peakBefore = maxRss();
        let heapPeak = process.memoryUsage().heapUsed;
        const sampler = setInterval(() => {
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        }, 20);
        // the check runs on the service's own thread: how long it stops everything else
        const verifyLoop = await watchLoop();
        const v0 = performance.now();
        let verdict: { ok: boolean; size: number; error?: string };
        try {
          const v = await log.verify();
          verdict = { ok: v.ok, size: v.size, ...(v.failure ? { error: JSON.stringify(v.failure) } : {}) };
        } catch (err) {
          verdict = { ok: false, size: 0, error: err instanceof Error ? err.message : String(err) };
        }
        const verifySeconds = (performance.now() - v0) / 1000;
        // a block is recorded at the loop's next tick: give it one
        await sleep(30);
        clearInterval(sampler);
        verifyLoop.disable();
        const verifyBlockedSeconds = verifyLoop.max / 1e9;
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        const peakAfter = maxRss();
        console.log(
          `verify: ${JSON.stringify(verdict)} in ${verifySeconds.toFixed(1)} s (loop blocked up to ${verifyBlockedSeconds.toFixed(1)} s), rss before ${mib(rssBefore)} MiB, peak ${mib(peakAfter)} MiB`,
        );
        if (!verdict.ok) {
          report(`**Verify ${fmt(n)} entries failed** after ${verifySeconds.toFixed(1)} s: ${verdict.error}`);
          throw new Error(`verify failed at ${fmt(n)}: ${verdict.error}`);
        }
        const checkSeconds = (micros.leaf * n) / 1e6;
        report(`**Verify ${fmt(n)} entries: ${verifySeconds.toFixed(1)} s** (${fmt(n / verifySeconds)} records/s) for \`AuditLog.verify()\`, the
verification job reading records and heads page by page (app/verify-job.ts); of that, recomputing the leaves and the root is about ${checkSeconds.toFixed(1)} s
(${micros.leaf.toFixed(1)} µs per record, measured apart), the rest reading and parsing the rows. The service's event loop was blocked for up to ${fmt(verifyBlockedSeconds * 1000)} ms at a
time meanwhile (see "Audit log verification at 1,000,000 and 5,000,000 entries" for 5M and the pass it replaced). Resident memory ${fmt(mib(rssBefore))} MiB before (the service's proof tree${
          storage === 'PostgreSQL' ? '' : " and PGlite's WebAssembly memory"
        } included); the process's peak ${fmt(mib(peakAfter))} MiB${
          peakAfter > peakBefore
            ? `, reached during verify (+${fmt(mib(peakAfter - rssBefore))} MiB)`
            : ', reached before verify (verify stayed below it)'
        }; JS heap peak during verify ${fmt(mib(heapPeak))} MiB.`);
      } finally {
        await running.stop();
      }
    } finally {
      await dispose();
    }
  } finally {
    await tb.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
