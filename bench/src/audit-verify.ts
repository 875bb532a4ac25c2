/**
 * `npm run bench:audit`, second part: verifying a province's audit log (留痕) at 1,000,000 and
 * 5,000,000 entries, and restarting the log at that size.
 *
 * Building the logs: appending millions of events through `AuditLog.appendMany` takes ~9 minutes per
 * million (bench/RESULTS.md), so the logs are built straight into the tables, but built as the service
 * builds them: the same synthetic events as the append bench (bench/src/audit-sample.ts) turned into
 * record fields by the service's own `fieldsOf`, leaf hashes by `recordLeaf`, the tree nodes each leaf
 * completes by `MerkleLog.appendNodes`, a head signed (`signTreeHead`, Ed25519) every 64 records and one
 * over the whole log, and the frontier in `audit.log_state`. Rows go in as one JSON document per 2,000
 * records (`insert … select … from jsonb_array_elements($1)`), with the records' lookup indexes
 * dropped meanwhile and created again at the end (their definitions read back from pg_indexes, so
 * they are exactly the migrations'), then `analyze`. Every measured pass must end with ok and the
 * full size, so a log built wrong fails the bench rather than flattering it.
 *
 * Measured, each in a fresh process (so a peak is that step's): a restart (opening the database,
 * migrate, `AuditLog.init()`, the start's `analyze`), then `AuditLog.verify()` (the verification job,
 * page by page); and, at 1M, the old whole-log verify (`repo.all()`, `repo.heads()`, `verifyLog` in one
 * go: what `AuditLog.verify()` did before) as the baseline — not at 5M, where it runs out of heap.
 * For each: wall time, the longest event-loop block (perf_hooks.monitorEventLoopDelay max, and a 10 ms
 * interval's worst lateness), peak RSS and JS heap (sampled every 10 ms).
 *
 * PostgreSQL: a database created for the run (BENCH_VERIFY_PG_URL, default the local server on
 * 127.0.0.1:5432 with trust auth) and dropped after. PGlite on disk in a temporary folder, at the
 * sizes up to BENCH_VERIFY_PGLITE_MAX.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ProvinceKey } from '@yrd/auth';
import { parseConfig, z } from '@yrd/config';
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import { AuditRepo } from '../../services/audit/src/adapters/db.js';
import { AuditLog, fieldsOf } from '../../services/audit/src/app/audit-log.js';
import { VERIFY_PAGE_MS } from '../../services/audit/src/app/verify-job.js';
import {
  MerkleLog,
  recordLeaf,
  type SignedTreeHead,
  type StoredTreeNode,
  signTreeHead,
  verifyLog,
} from '../../services/audit/src/domain/index.js';
import { auditMigrations } from '../../services/audit/src/service.js';
import { event } from './audit-sample.js';
import { writeSection } from './results.js';

const config = parseConfig(
  z.object({
    BENCH_VERIFY_SIZES: z
      .string()
      .regex(/^\d+(,\d+)*$/)
      .default('1000000,5000000'),
    BENCH_VERIFY_PGLITE_MAX: z.coerce.number().int().min(0).default(1_000_000),
    BENCH_VERIFY_BASELINE_MAX: z.coerce.number().int().min(0).default(1_000_000),
    BENCH_VERIFY_PG_URL: z.string().url().default('postgres://root@127.0.0.1:5432/postgres'),
  }),
  process.env,
);

const HOME: Province = 'sh';
const HEAD_EVERY = 64;
/** records per insert statement (one JSON document each) */
const FILL_BATCH = 2_000;
const self = fileURLToPath(import.meta.url);

type Storage = 'PostgreSQL' | 'PGlite on disk';
interface Target {
  storage: Storage;
  /** PostgreSQL URL of the run's database, or the PGlite folder */
  url?: string;
  dir?: string;
}

const open = (t: Target) => openDatabase(t.url ? { url: t.url, poolSize: 4 } : { dataDir: t.dir });
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const fmt = (x: number) => Math.round(x).toLocaleString('en');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// building a log

interface Filled {
  seconds: number;
  heads: number;
  nodes: number;
  tableMiB: number;
}

async function fill(db: DatabaseHandle, n: number, key: ProvinceKey): Promise<Filled> {
  const t0 = performance.now();
  await migrate(db, 'audit', auditMigrations);
  const indexes = await db.rows<{ name: string; def: string }>(sql`
    select indexname as name, indexdef as def from pg_indexes i
    where schemaname = 'audit' and tablename in ('records', 'tree_nodes')
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
  for (const ix of indexes) await db.db.execute(sql.raw(`drop index audit.${ix.name}`));

  const log = new MerkleLog();
  let heads = 0;
  let nodeCount = 0;
  const ts = (i: number) => new Date(Date.UTC(2026, 0, 5) + i * 30).toISOString();
  const sign = (): SignedTreeHead => {
    heads++;
    return signTreeHead(
      { province: HOME, size: log.size, rootHash: log.root().toString('hex'), timestamp: ts(log.size) },
      key.privateKey,
      key.kid,
    );
  };
  for (let from = 0; from < n; from += FILL_BATCH) {
    const records: { s: number; l: string; f: unknown }[] = [];
    const nodes: StoredTreeNode[] = [];
    const signed: SignedTreeHead[] = [];
    for (let seq = from; seq < Math.min(n, from + FILL_BATCH); seq++) {
      const fields = fieldsOf(seq, event(HOME, seq));
      const leaf = recordLeaf(fields);
      nodes.push(...log.appendNodes(leaf));
      records.push({ s: seq, l: leaf.toString('hex'), f: fields });
      if (log.size % HEAD_EVERY === 0 || log.size === n) signed.push(sign());
    }
    nodeCount += nodes.length;
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into audit.records (seq, event_id, leaf_hash, fields, request_id, resource_id, actor_agency,
          requester_province, provider_province, occurred_at, subject_ref, subject_ref_key_id, occurred_ts)
        select (r->>'s')::bigint, r->'f'->>'eventId', r->>'l', r->'f', r->'f'->>'requestId', r->'f'->>'resourceId',
          r->'f'->>'actorAgency', r->'f'->>'requesterProvince', r->'f'->>'providerProvince', r->'f'->>'occurredAt',
          r->'f'->>'subjectRef', coalesce(r->'f'->>'subjectRefKeyId', ''), (r->'f'->>'occurredAt')::timestamptz
        from jsonb_array_elements(${JSON.stringify(records)}::jsonb) r`);
      const nodeDoc = nodes.map((x) => [x.level, x.index, x.hash.toString('hex')]);
      await tx.execute(sql`
        insert into audit.tree_nodes (level, idx, hash)
        select (r->>0)::smallint, (r->>1)::bigint, decode(r->>2, 'hex') from jsonb_array_elements(${JSON.stringify(nodeDoc)}::jsonb) r`);
      if (signed.length > 0) {
        await tx.execute(sql`
          insert into audit.tree_heads (size, root_hash, ts, signature, key_id, alg, doc)
          select (h->>'size')::bigint, h->>'rootHash', h->>'timestamp', h->>'signature', h->>'keyId', h->>'alg', h
          from jsonb_array_elements(${JSON.stringify(signed)}::jsonb) h`);
      }
    });
    if ((from / FILL_BATCH) % 250 === 249) console.log(`  ${fmt(from + FILL_BATCH)} records in`);
  }
  const frontier = log.frontier();
  await db.db.execute(sql`
    insert into audit.log_state (id, size, frontier) values (true, ${frontier.size}, ${JSON.stringify(frontier.hashes)}::jsonb)`);
  for (const ix of indexes) await db.db.execute(sql.raw(ix.def));
  await db.db.execute(sql`analyze audit.records`);
  await db.db.execute(sql`analyze audit.tree_nodes`);
  const [size] = await db.rows<{ bytes: string }>(sql`select pg_total_relation_size('audit.records') as bytes`);
  return {
    seconds: (performance.now() - t0) / 1000,
    heads,
    nodes: nodeCount,
    tableMiB: mib(Number(size?.bytes ?? 0)),
  };
}

// ---------------------------------------------------------------------------------------------------
// measuring (in a child process)

interface Watched {
  seconds: number;
  /** monitorEventLoopDelay max and 99th percentile, ms */
  loopMaxMs: number;
  loopP99Ms: number;
  /** worst lateness of a 10 ms interval, ms */
  lagMaxMs: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  heapPeakMiB: number;
}

/** Runs `fn` while watching the event loop and memory. */
async function watched<T>(fn: () => Promise<T>): Promise<{ value: T; watch: Watched }> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // one tick first, or a block that starts at once is not seen
  await sleep(30);
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  let last = performance.now();
  let lagMax = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    lagMax = Math.max(lagMax, now - last - 10);
    last = now;
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 10);
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  // a block is recorded at the loop's next tick: give it one
  await sleep(30);
  clearInterval(probe);
  loop.disable();
  return {
    value,
    watch: {
      seconds,
      loopMaxMs: loop.max / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
      lagMaxMs: Math.max(0, lagMax),
      rssBeforeMiB: mib(before.rss),
      rssPeakMiB: mib(rssPeak),
      heapPeakMiB: mib(heapPeak),
    },
  };
}

interface MeasureSpec {
  target: Target;
  n: number;
  mode: 'paged' | 'baseline';
  keyPem: string;
  kid: string;
}

interface Restart {
  openSeconds: number;
  migrate: Watched;
  init: Watched;
  /** what the start does now: analyze only when the statistics are stale */
  startAnalyze: Watched & { ran: boolean };
  /** what the start did before: analyze every time */
  analyze: Watched;
}

interface Measured {
  restart?: Restart;
  verify: Watched & { ok: boolean; size: number; failure?: string };
}

async function measure(spec: MeasureSpec): Promise<Measured> {
  const privateKey = createPrivateKey(spec.keyPem);
  const key: ProvinceKey = { province: HOME, kid: spec.kid, privateKey, publicKey: createPublicKey(privateKey) };
  const o0 = performance.now();
  const db = await open(spec.target);
  const openSeconds = (performance.now() - o0) / 1000;
  try {
    const repo = new AuditRepo(db);
    const log = new AuditLog({ province: HOME, repo, key, clock: () => new Date() });
    if (spec.mode === 'baseline') {
      const { value, watch } = await watched(async () => {
        const [records, heads] = await Promise.all([repo.all(), repo.heads()]);
        return verifyLog(records, heads, key.publicKey, { province: HOME });
      });
      return { verify: { ...watch, ok: value.ok, size: value.size, ...failureOf(value.failure) } };
    }
    // what startAudit does with the log before it serves: migrate, init, analyze (when stale)
    const migrated = await watched(() => migrate(db, 'audit', auditMigrations));
    const init = await watched(() => log.init());
    const startAnalyze = await watched(() => repo.analyzeIfStale(log.size));
    const analyze = await watched(() => repo.analyze());
    const verify = await watched(() => log.verify());
    return {
      restart: {
        openSeconds,
        migrate: migrated.watch,
        init: init.watch,
        startAnalyze: { ...startAnalyze.watch, ran: startAnalyze.value },
        analyze: analyze.watch,
      },
      verify: { ...verify.watch, ok: verify.value.ok, size: verify.value.size, ...failureOf(verify.value.failure) },
    };
  } finally {
    await db.close();
  }
}

const failureOf = (f: { code: string; entry: string } | undefined) => (f ? { failure: `${f.code} ${f.entry}` } : {});

/** Runs `measure(spec)` in a fresh node process; undefined when the process died (out of memory). */
function inChild(spec: MeasureSpec): Promise<{ measured?: Measured; exit: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--measure', JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('{"measured"'));
      const exit = signal ? `killed by ${signal}` : `exit ${code}`;
      resolve(line ? { measured: (JSON.parse(line) as { measured: Measured }).measured, exit } : { exit });
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// the run

interface Run {
  storage: Storage;
  n: number;
  filled: Filled;
  paged?: Measured;
  baseline?: { measured?: Measured; exit: string; skipped?: string };
}

async function runOne(storage: Storage, n: number, key: { pem: string; kid: string; pk: ProvinceKey }) {
  let target: Target;
  let dispose: () => Promise<void>;
  if (storage === 'PostgreSQL') {
    const admin = await openDatabase({ url: config.BENCH_VERIFY_PG_URL, poolSize: 1 });
    const name = `yrd_bench_verify_${n}`;
    await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await admin.db.execute(sql.raw(`create database ${name}`));
    const url = new URL(config.BENCH_VERIFY_PG_URL);
    url.pathname = `/${name}`;
    target = { storage, url: url.toString() };
    dispose = async () => {
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-bench-verify-'));
    target = { storage, dir };
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    console.log(`${storage}, ${fmt(n)} entries: building the log …`);
    const db = await open(target);
    let filled: Filled;
    try {
      filled = await fill(db, n, key.pk);
    } finally {
      await db.close();
    }
    console.log(
      `  built in ${filled.seconds.toFixed(0)} s (${fmt(filled.heads)} heads, ${fmt(filled.nodes)} tree nodes)`,
    );
    const spec: MeasureSpec = { target, n, mode: 'paged', keyPem: key.pem, kid: key.kid };
    const paged = await inChild(spec);
    if (!paged.measured) throw new Error(`the paged verification at ${fmt(n)} did not finish: ${paged.exit}`);
    const { verify, restart } = paged.measured;
    console.log(
      `  restart: init ${restart?.init.seconds.toFixed(2)} s (loop max ${restart?.init.loopMaxMs.toFixed(0)} ms), analyze ${restart?.analyze.seconds.toFixed(2)} s (loop max ${restart?.analyze.loopMaxMs.toFixed(0)} ms); verify ${verify.seconds.toFixed(1)} s, ok ${verify.ok}, loop max ${verify.loopMaxMs.toFixed(1)} ms, lag max ${verify.lagMaxMs.toFixed(1)} ms, rss peak ${verify.rssPeakMiB} MiB, heap peak ${verify.heapPeakMiB} MiB`,
    );
    if (!verify.ok || verify.size !== n) throw new Error(`verify at ${fmt(n)}: ${JSON.stringify(verify)}`);
    const run: Run = { storage, n, filled, paged: paged.measured };
    if (n <= config.BENCH_VERIFY_BASELINE_MAX) {
      const baseline = await inChild({ ...spec, mode: 'baseline' });
      const b = baseline.measured?.verify;
      console.log(
        b
          ? `  baseline ${b.seconds.toFixed(1)} s, loop max ${b.loopMaxMs.toFixed(0)} ms, rss peak ${b.rssPeakMiB} MiB`
          : `  baseline did not finish: ${baseline.exit}`,
      );
      run.baseline = baseline;
    } else {
      run.baseline = { exit: '', skipped: 'not run: it loads the whole log at once and runs out of heap at about 2M' };
    }
    return run;
  } finally {
    await dispose();
  }
}

function report(runs: Run[], startedAt: number, loads: number[]): void {
  const rows: string[] = [];
  const restartRows: string[] = [];
  for (const r of runs) {
    const v = r.paged!.verify;
    const s = r.paged!.restart!;
    rows.push(
      `| ${r.storage} | ${fmt(r.n)} | paged (job) | ${v.seconds.toFixed(1)} | ${fmt(r.n / v.seconds)} | ${v.loopP99Ms.toFixed(1)} / ${v.loopMaxMs.toFixed(1)} | ${v.lagMaxMs.toFixed(1)} | ${fmt(v.rssBeforeMiB)} → ${fmt(v.rssPeakMiB)} | ${fmt(v.heapPeakMiB)} |`,
    );
    const b = r.baseline?.measured?.verify;
    if (b) {
      rows.push(
        `| ${r.storage} | ${fmt(r.n)} | whole log (before) | ${b.seconds.toFixed(1)} | ${fmt(r.n / b.seconds)} | ${fmt(b.loopP99Ms)} / ${fmt(b.loopMaxMs)} | ${fmt(b.lagMaxMs)} | ${fmt(b.rssBeforeMiB)} → ${fmt(b.rssPeakMiB)} | ${fmt(b.heapPeakMiB)} |`,
      );
    } else {
      rows.push(
        `| ${r.storage} | ${fmt(r.n)} | whole log (before) | ${r.baseline?.skipped ?? `did not finish (${r.baseline?.exit})`} | | | | | |`,
      );
    }
    const cell = (w: Watched) => `${w.seconds.toFixed(2)} / ${w.loopMaxMs.toFixed(0)}`;
    restartRows.push(
      `| ${r.storage} | ${fmt(r.n)} | ${s.openSeconds.toFixed(2)} | ${cell(s.migrate)} | ${cell(s.init)} | ${cell(s.startAnalyze)} (${s.startAnalyze.ran ? 'ran' : 'skipped: statistics current'}) | ${cell(s.analyze)} | ${fmt(Math.max(s.init.rssPeakMiB, s.analyze.rssPeakMiB))} |`,
    );
  }
  const ratios = runs
    .filter((r) => r.baseline?.measured)
    .map((r) => {
      const v = r.paged!.verify;
      const b = r.baseline!.measured!.verify;
      return `${r.storage} at ${fmt(r.n)}: time ×${(v.seconds / b.seconds).toFixed(2)} of the whole-log pass, longest block ${v.loopMaxMs.toFixed(1)} ms against ${fmt(b.loopMaxMs)} ms (÷${fmt(b.loopMaxMs / Math.max(v.loopMaxMs, 0.001))}), peak RSS ${fmt(v.rssPeakMiB)} against ${fmt(b.rssPeakMiB)} MiB`;
    });
  const builds = runs
    .map(
      (r) =>
        `${r.storage} ${fmt(r.n)}: ${r.filled.seconds.toFixed(0)} s, ${fmt(r.filled.tableMiB)} MiB of records with indexes, ${fmt(r.filled.heads)} heads, ${fmt(r.filled.nodes)} tree nodes`,
    )
    .join('; ');
  writeSection(
    '## Audit log verification at 1,000,000 and 5,000,000 entries',
    `\`npm run bench:audit\` (bench/src/audit-verify.ts). Each log built straight into the tables as the service
would have written it (see the script's header: the service's \`fieldsOf\`, \`recordLeaf\`, \`MerkleLog.appendNodes\`,
a signed head every 64 records); ${builds}. Each measurement in a fresh process, on 2 cores that other jobs may share.
Whole run ${((performance.now() - startedAt) / 60_000).toFixed(1)} min; load average (1 min) ${loads.map((l) => l.toFixed(1)).join(' → ')} over the run.

**Verify** — \`AuditLog.verify()\`, the verification job (app/verify-job.ts): keyset pages of records, each
sized to hold the thread about ${VERIFY_PAGE_MS} ms (from 100 records, within 20–1,000), and of 128 heads, into the streaming
\`LogVerifier\`, a turn of the event loop between pages. "Whole log (before)" is what
\`AuditLog.verify()\` did until now, measured in the same run: \`repo.all()\` and \`repo.heads()\`, then \`verifyLog\`.
Longest block: \`monitorEventLoopDelay\` max, and the worst lateness of a 10 ms interval; memory sampled every 10 ms.

| storage | entries | verify | s | records/s | loop delay p99 / max ms | 10 ms probe late by ms | RSS MiB before → peak | JS heap peak MiB |
|---|---:|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

${ratios.length > 0 ? `Against the whole-log pass: ${ratios.join('; ')}.` : ''}

**Restart** at that size — what \`startAudit\` does with the log before it serves, each step as seconds / longest
event-loop block in ms: open the database, migrate, \`AuditLog.init()\`, then the start's analyze of the records,
now only when the statistics are missing or behind the log by more than a tenth (\`analyzeIfStale\`), and for
comparison the unconditional \`analyze\` the start ran before:

| storage | entries | open s | migrate | init | analyze at start, now | analyze at start, before | RSS peak MiB |
|---|---:|---:|---:|---:|---:|---:|---:|
${restartRows.join('\n')}
`,
  );
}

async function main() {
  if (process.argv[2] === '--measure') {
    const measured = await measure(JSON.parse(process.argv[3]!) as MeasureSpec);
    console.log(JSON.stringify({ measured }));
    return;
  }
  const startedAt = performance.now();
  const loadAtStart = loadavg()[0]!;
  const pair = generateKeyPairSync('ed25519');
  const key = {
    pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    kid: 'sh-bench',
    pk: { province: HOME, kid: 'sh-bench', privateKey: pair.privateKey, publicKey: pair.publicKey },
  };
  const sizes = config.BENCH_VERIFY_SIZES.split(',').map(Number);
  const runs: Run[] = [];
  for (const n of sizes) runs.push(await runOne('PostgreSQL', n, key));
  for (const n of sizes.filter((s) => s <= config.BENCH_VERIFY_PGLITE_MAX))
    runs.push(await runOne('PGlite on disk', n, key));
  report(runs, startedAt, [loadAtStart, loadavg()[0]!]);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
