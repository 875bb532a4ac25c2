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
 * 3. A restart at that size (the service reloads every leaf hash and rebuilds its tree), then
 *    latencies: `trace({ requestId })` (lookup, head, proof), the same over HTTP, the inclusion proof
 *    alone, and `consistency(from, to)` between random signed heads, with and without its lookups.
 * 4. `AuditLog.verify()` over the whole log: time and the process's peak RSS.
 *
 * PGlite on disk in a temporary folder by default (as a node with YRD_DATA_DIR keeps it);
 * BENCH_PGLITE=memory for in-memory PGlite, BENCH_DATABASE_URL for PostgreSQL (its `audit` schema is
 * dropped and recreated). Results go to bench/RESULTS.md.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { AuditPublisher, auditMigrations, type RunningAudit, startAudit } from '@yrd/audit';
import { auditEvent } from '@yrd/audit-events';
import { parseConfig, z } from '@yrd/config';
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import type { auditV1 } from '@yrd/proto';
import { makeCreditCode, type Province, provinceInfo, provinces } from '@yrd/region';
import { aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
// the pure Merkle code the service proves with, to time a proof without its lookup (read only)
import {
  MerkleLog,
  MerkleTree,
  recordLeaf,
  verifyConsistency,
  verifyInclusion,
} from '../../services/audit/src/domain/index.js';
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

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A UUID-shaped request id that event i's seq can be found by again. */
function requestIdOf(home: Province, i: number): string {
  const h = sha256(`bench-request-${home}-${i}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Side = 'provider' | 'requester' | 'consent';
/** the mix of a busy province's log: mostly data served to and asked of the others */
const shapes: { kind: string; side: Side; items: string[] }[] = [
  ...Array.from({ length: 8 }, () => ({
    kind: 'exchange.query.served',
    side: 'provider' as const,
    items: ['record_no', 'holder_name', 'status'],
  })),
  ...Array.from({ length: 6 }, () => ({
    kind: 'exchange.query.requested',
    side: 'requester' as const,
    items: ['record_no', 'status'],
  })),
  { kind: 'exchange.verify.served', side: 'provider', items: ['holder_name', 'valid_until'] },
  { kind: 'exchange.verify.requested', side: 'requester', items: ['holder_name', 'valid_until'] },
  { kind: 'exchange.subscribe.received', side: 'requester', items: ['visitor_count', 'area_code'] },
  { kind: 'exchange.feed.published', side: 'provider', items: ['visitor_count', 'area_code'] },
  { kind: 'consent.application.approved', side: 'consent', items: [] },
  { kind: 'consent.consent.created', side: 'consent', items: [] },
];
const topics = ['SCJG', 'RSSB', 'GAHJ', 'JTYS', 'WLKL', 'YBJS', 'ZJGJ'];
const agencies = Object.fromEntries(
  provinces.map((p) => [
    p,
    Array.from({ length: 400 }, (_, n) =>
      makeCreditCode('11', provinceInfo[p].adminCode, `00${String(n + 1).padStart(6, '0')}X`),
    ),
  ]),
) as Record<Province, string[]>;
const epoch = Date.UTC(2026, 0, 5, 0, 0, 0);

/** Event i of province `home`'s log: deterministic, so a sampled seq's request id is known. */
function event(home: Province, i: number): auditV1.AuditEvent {
  const shape = shapes[i % shapes.length]!;
  const others = provinces.filter((p) => p !== home);
  const other = others[i % others.length]!;
  const requester = shape.side === 'provider' ? other : home;
  const provider = shape.side === 'provider' ? home : other;
  const requestId = requestIdOf(home, i);
  const denied = i % 37 === 0;
  return auditEvent({
    eventId: `${requestId}:${home}:${shape.side}`,
    province: home,
    kind: shape.kind,
    requestId,
    resourceId: `${provider}.${provinceInfo[provider].adminCode}-${topics[i % topics.length]}-${String(i % 5_000).padStart(5, '0')}`,
    actorUser: `${requester}-user-${i % 800}`,
    actorAgency: agencies[requester][i % 400]!,
    requesterProvince: requester,
    providerProvince: provider,
    outcome: denied ? 'deny' : 'ok',
    code: denied ? 'CONSENT.NO_GRANT' : '',
    payloadHash: sha256(`payload-${home}-${i}`),
    subjectRef: i % 3 === 0 ? sha256(`subject-${i % 50_000}`) : '',
    grantId: shape.side === 'consent' ? '' : `grant-${provider}-${i % 1_000}`,
    consentId: shape.side === 'consent' || i % 5 === 0 ? `consent-${i % 20_000}` : '',
    // one event every 30 ms: a million is about eight hours of a busy province
    occurredAt: new Date(epoch + i * 30).toISOString(),
    items: shape.items,
  });
}

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

/** The in-memory part of an append, per event: canonical JSON, leaf hash, frontier and tree. */
function inMemoryAppendMicros(home: Province, count: number): number {
  const events = Array.from({ length: count }, (_, i) => event(home, i));
  const log = new MerkleLog();
  const tree = new MerkleTree();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    const leaf = recordLeaf({ ...events[i]!, seq: i });
    log.append(leaf);
    tree.append(leaf);
  }
  log.root();
  return ((performance.now() - t0) * 1000) / count;
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

async function main() {
  const n = config.BENCH_AUDIT_ENTRIES;
  const m = config.BENCH_AUDIT_TRANSPORT_EVENTS;
  const home: Province = 'sh';
  const tb = await createTestbed();
  const startedAt = performance.now();
  try {
    console.log(`transport: ${m} events through JetStream into the ingestion (${storage}) …`);
    const live = await transportLive(tb, 'js', m);
    console.log(`  live: ${fmt(m / live.ingestSeconds)} events/s end to end`);
    const backlog = await transportBacklog(tb, 'zj', m);
    console.log(`  backlog: ${fmt(m / backlog.ingestSeconds)} events/s drained`);
    const memMicros = inMemoryAppendMicros('ah', 100_000);
    console.log(`  in memory: ${memMicros.toFixed(2)} µs per event`);

    const { db, dispose } = await freshDatabase();
    try {
      const deps = await tb.deps(home, { db });
      let running = await startAudit(deps);
      let stopped = false;
      try {
        // 1. appends straight into the log, batch by batch as the ingestion hands them over
        console.log(`appending ${fmt(n)} events through AuditLog.appendMany (${storage}), batches of ${BATCH} …`);
        const step = Math.min(100_000, Math.max(BATCH, Math.floor(n / 10 / BATCH) * BATCH));
        const steps: { upTo: number; seconds: number; rssMiB: number }[] = [];
        let appendNs = 0n;
        let stepNs = 0n;
        let firstTransportSized: number | undefined;
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
          if (firstTransportSized === undefined && upTo >= m) firstTransportSized = Number(appendNs) / 1e9;
          if (upTo % step === 0 || upTo === n) {
            steps.push({ upTo, seconds: Number(stepNs) / 1e9, rssMiB: mib(rss()) });
            console.log(
              `  ${fmt(upTo)}: ${fmt((upTo - (steps.at(-2)?.upTo ?? 0)) / (Number(stepNs) / 1e9))} events/s in this step, rss ${mib(rss())} MiB`,
            );
            stepNs = 0n;
          }
        }
        const appendSeconds = Number(appendNs) / 1e9;
        const [stats] = await db.rows<{ records: string; heads: string; bytes: string }>(sql`
          select (select count(*) from audit.records) as records, (select count(*) from audit.tree_heads) as heads,
            pg_total_relation_size('audit.records') as bytes`);

        // 2. a restart at this size: the service reloads every leaf hash and rebuilds its tree
        await running.stop();
        stopped = true;
        const r0 = performance.now();
        running = await startAudit(deps);
        stopped = false;
        const restartSeconds = (performance.now() - r0) / 1000;
        console.log(`restart at ${fmt(n)}: ${restartSeconds.toFixed(1)} s, rss ${mib(rss())} MiB`);
        const log = running.log;
        const head = await log.latestHead();
        if (head.size !== n) throw new Error(`latest head covers ${head.size}, expected ${n}`);

        // 3. latencies at this size
        const next = random(20260105);
        const seqs = Array.from({ length: config.BENCH_AUDIT_TRACES }, () => next(n));
        const trace = createHistogram();
        for (const [k, seq] of seqs.entries()) {
          const page = await timed(trace, () => log.trace({ requestId: requestIdOf(home, seq), limit: 100 }));
          const r = page.records[0];
          if (page.records.length !== 1 || r?.seq !== seq) throw new Error(`trace of seq ${seq} found ${r?.seq}`);
          if (
            k % 10 === 0 &&
            !verifyInclusion(
              Buffer.from(r.leafHash, 'hex'),
              seq,
              r.proof.treeSize,
              r.proof.path.map((p) => Buffer.from(p, 'hex')),
              Buffer.from(page.head.rootHash, 'hex'),
            )
          ) {
            throw new Error(`the inclusion proof of seq ${seq} does not verify`);
          }
        }
        console.log(`trace p50 ${ms(trace.percentile(50))} ms, p99 ${ms(trace.percentile(99))} ms`);

        const token = await tb.token(aPrincipal({ province: home, sub: `${home}-auditor`, roles: ['auditor'] }));
        const overHttp = createHistogram();
        for (const seq of seqs.slice(0, HTTP_TRACES)) {
          const res = await timed(overHttp, async () => {
            const r = await fetch(`${running.httpUrl}/api/audit/v1/records?requestId=${requestIdOf(home, seq)}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return { status: r.status, body: (await r.json()) as { records: { seq: number }[] } };
          });
          if (res.status !== 200 || res.body.records[0]?.seq !== seq) throw new Error(`HTTP trace of seq ${seq} failed`);
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
          if (
            k % 10 === 0 &&
            (!view.from ||
              !verifyConsistency(
                a,
                b,
                Buffer.from(view.from.rootHash, 'hex'),
                Buffer.from(view.to.rootHash, 'hex'),
                view.proof.map((p) => Buffer.from(p, 'hex')),
              ))
          ) {
            throw new Error(`the consistency proof ${a} → ${b} does not verify`);
          }
        }
        tree = undefined;
        console.log(`consistency p50 ${ms(consistency.percentile(50))} ms`);

        // 4. the whole log reloaded and checked
        const rssBefore = rss();
        const peakBefore = maxRss();
        let heapPeak = process.memoryUsage().heapUsed;
        const sampler = setInterval(() => {
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        }, 20);
        const v0 = performance.now();
        let verdict: { ok: boolean; size: number; error?: string };
        try {
          const v = await log.verify();
          verdict = { ok: v.ok, size: v.size };
          if (!v.ok) verdict.error = JSON.stringify(v.failure);
        } catch (err) {
          verdict = { ok: false, size: 0, error: err instanceof Error ? err.message : String(err) };
        } finally {
          clearInterval(sampler);
        }
        const verifySeconds = (performance.now() - v0) / 1000;
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        const peakAfter = maxRss();
        console.log(
          `verify: ${JSON.stringify(verdict)} in ${verifySeconds.toFixed(1)} s, rss before ${mib(rssBefore)} MiB, peak ${mib(peakAfter)} MiB`,
        );
        if (!verdict.ok) throw new Error(`verify failed at ${fmt(n)}: ${verdict.error}`);
        const totalMinutes = (performance.now() - startedAt) / 60_000;

        const stepRows = steps.map((s, k) => {
          const from = steps[k - 1]?.upTo ?? 0;
          const cumulative = steps.slice(0, k + 1).reduce((t, x) => t + x.seconds, 0);
          return `| ${fmt(from)}–${fmt(s.upTo)} | ${fmt((s.upTo - from) / s.seconds)} | ${fmt(s.upTo / cumulative)} | ${fmt(s.rssMiB)} |`;
        });
        const checkSeconds = (memMicros * n) / 1e6;
        writeSection(
          `## Audit log at 1,000,000 entries — ${storage}`,
          `One process (the audit service, its ${storage === 'PostgreSQL' ? 'database client' : 'embedded database'} and the load) plus nats-server, on 2 cores
that other jobs may share. ${fmt(n)} synthetic events of a busy province (exchange queries served and
requested, verifications, subscriptions, consent decisions; UUID request ids, resource ids, credit codes,
64-hex payload hashes; no personal data), appended into the audit service as \`startAudit\` runs it (its
\`AuditLog\` over its \`AuditRepo\`, a signed head every 64 appends, so one per batch here). Storage: ${storage}${
            storage === 'PGlite on disk' ? ' (a temporary folder, as a node with YRD_DATA_DIR keeps it)' : ''
          }; the records table took ${fmt(mib(Number(stats?.bytes ?? 0)))} MiB with its indexes (${fmt(Number(stats?.records ?? 0))} records, ${fmt(Number(stats?.heads ?? 0))} signed heads). Whole run ${totalMinutes.toFixed(1)} min.

**Append: ${fmt(n / appendSeconds)} events/s** straight through \`AuditLog.appendMany\` in batches of ${BATCH}
(the ingestion's batch), ${appendSeconds.toFixed(1)} s for ${fmt(n)}; the first ${fmt(m)} went in at ${fmt(m / (firstTransportSized ?? appendSeconds))} events/s.
The in-memory part of an append (canonical JSON, leaf hash, frontier, proof tree) costs ${memMicros.toFixed(1)} µs per event,
a ceiling of ${fmt(1e6 / memMicros)} events/s; the rest is the duplicate check and the inserts.

| run | events | s | events/s |
|---|---:|---:|---:|
| \`appendMany\` direct, batches of ${BATCH} | ${fmt(n)} | ${appendSeconds.toFixed(1)} | ${fmt(n / appendSeconds)} |
| JetStream → ingestion, live: ${IN_FLIGHT} publishes in flight, first publish → last in the log | ${fmt(m)} | ${live.ingestSeconds.toFixed(1)} | ${fmt(m / live.ingestSeconds)} |
| JetStream → ingestion, backlog drained at start | ${fmt(m)} | ${backlog.ingestSeconds.toFixed(1)} | ${fmt(m / backlog.ingestSeconds)} |
| publishing alone (${IN_FLIGHT} in flight, each acked by JetStream) | ${fmt(m)} | ${backlog.publishSeconds.toFixed(1)} | ${fmt(m / backlog.publishSeconds)} |

Append speed as the log grows (direct):

| entries | events/s in this step | events/s so far | RSS MiB after |
|---|---:|---:|---:|
${stepRows.join('\n')}

**Latency at ${fmt(n)} entries**, after a restart (reloading ${fmt(n)} leaf hashes and rebuilding the proof tree
took ${restartSeconds.toFixed(1)} s). Random seqs; each trace finds one record by its request id.

| operation | samples | p50 ms | p95 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|---:|
${latencyRow('`trace({ requestId })`: lookup, head, inclusion proof', trace)}
${latencyRow('GET /api/audit/v1/records?requestId= (token, HTTP, JSON)', overHttp)}
${latencyRow('inclusion proof alone (`MerkleTree`, hex)', proofAlone)}
${latencyRow('`consistency(from, to)`: two head lookups and the proof', consistency)}
${latencyRow('consistency proof alone', consistencyAlone)}

**Verify ${fmt(n)} entries: ${verifySeconds.toFixed(1)} s** (${fmt(n / verifySeconds)} records/s) for \`AuditLog.verify()\`, which
loads every record and head and checks them in one pass; of that, about ${checkSeconds.toFixed(1)} s is hashing (the
in-memory cost above), the rest loading. Resident memory ${fmt(mib(rssBefore))} MiB before; the process's peak
${fmt(mib(peakAfter))} MiB${peakAfter > peakBefore ? ', reached during verify' : ` (reached before verify; ${fmt(mib(peakBefore))} MiB)`}; JS heap peak ${fmt(mib(heapPeak))} MiB.
`,
        );
      } finally {
        if (!stopped) await running.stop();
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
