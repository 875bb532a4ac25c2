/**
 * `npm run bench:memory`: does the demo's memory stay bounded under steady exchange load? Runs the
 * region as `npm start` does (four province nodes in one process, PGlite on disk, nats-server) and
 * sends exchange queries 上海 → 浙江 through the edge, each served and recorded on both sides, and
 * prints RSS and the live JS heap (after a full GC) at each checkpoint. Appends its section to
 * bench/RESULTS.md.
 *
 *   BENCH_MEMORY_CHECKPOINTS=10000,50000,100000 BENCH_CONCURRENCY=8 npm run bench:memory
 *
 * Before issue 10 every audit record kept ~1 KiB in the audit service's in-memory proof tree; for
 * comparison the run also measures what that tree (MerkleTree) holds per leaf.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { startRegion } from '@yrd/node';
import { demoBookingNo } from '@yrd/seeds';
import { Agent, setGlobalDispatcher } from 'undici';
// the pure Merkle code, to measure what the former in-memory proof tree held (read only)
import { leafHash, MerkleTree } from '../../services/audit/src/domain/index.js';
import { booking, bookingGrant, purpose } from './journey.js';
import { writeSection } from './results.js';

const config = parseConfig(
  z.object({
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** cumulative exchange counts at which to measure, ascending */
    BENCH_MEMORY_CHECKPOINTS: z
      .string()
      .default('10000,50000,100000')
      .transform((s) => s.split(',').map((x) => Number(x.trim())))
      .pipe(z.array(z.number().int().positive()).min(1)),
    /** write the section to bench/RESULTS.md (default yes) */
    BENCH_WRITE: z.enum(['true', 'false']).default('true'),
  }),
  process.env,
);
const concurrency = config.BENCH_CONCURRENCY;
const checkpoints = [...config.BENCH_MEMORY_CHECKPOINTS].sort((a, b) => a - b);
setGlobalDispatcher(new Agent({ connections: concurrency * 2, keepAliveTimeout: 30_000 }));

const MiB = 1024 * 1024;

/** A full, synchronous GC: `--expose-gc` is set at run time so `npm run` needs no flag. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Sample {
  exchanges: number;
  seconds: number;
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
  errors: number;
}

function sample(exchanges: number, seconds: number, errors: number): Sample {
  gc();
  gc();
  const m = process.memoryUsage();
  return {
    exchanges,
    seconds,
    rssMiB: Math.round(m.rss / MiB),
    heapMiB: Math.round((m.heapUsed / MiB) * 10) / 10,
    externalMiB: Math.round(((m.external + m.arrayBuffers) / MiB) * 10) / 10,
    errors,
  };
}

/** Bytes of live heap per leaf of the in-memory proof tree the audit service held before issue 10. */
function merkleTreeBytesPerLeaf(leaves: number): number {
  gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const tree = new MerkleTree();
  for (let i = 0; i < leaves; i++) tree.append(leafHash(Buffer.from(`leaf-${i}`)));
  gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  if (tree.size !== leaves) throw new Error('tree lost leaves');
  return Math.round((after - before) / leaves);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-bench-memory-'));
  const logger = createLogger({ name: 'bench-memory', level: 'error' });
  const startedAt = Date.now();
  console.log(`starting the region as npm start does (PGlite on disk in ${dir}) …`);
  const region = await startRegion({ logger, dataDir: dir, ports: 'random', devMode: true, seed: true });
  try {
    const sh = region.nodes.sh.url;
    const zj = region.nodes.zj.url;
    const { requester, grantId } = await bookingGrant(sh, zj, ['query']);
    const body = JSON.stringify({ resourceId: booking, purpose, key: { booking_no: demoBookingNo }, grantId });
    const query = async (): Promise<boolean> => {
      const r = await fetch(`${sh}/api/exchange/v1/queries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${requester}` },
        body,
      });
      await r.arrayBuffer();
      return r.ok;
    };
    const perLeaf = merkleTreeBytesPerLeaf(100_000);
    console.log(`the former in-memory proof tree: ${perLeaf} B per leaf`);
    // warm-up: code paths compiled, caches filled, before the baseline
    for (let i = 0; i < 200; i++) await query();
    const samples: Sample[] = [sample(0, 0, 0)];
    console.log(`baseline after start and 200 warm-up exchanges: ${JSON.stringify(samples[0])}`);

    let sent = 0;
    let errors = 0;
    const t0 = Date.now();
    for (const target of checkpoints) {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (sent < target) {
            sent++;
            try {
              if (!(await query())) errors++;
            } catch {
              errors++;
            }
          }
        }),
      );
      const s = sample(sent, (Date.now() - t0) / 1000, errors);
      samples.push(s);
      console.log(
        `${s.exchanges} exchanges in ${s.seconds.toFixed(0)} s: RSS ${s.rssMiB} MiB, heap ${s.heapMiB} MiB, errors ${errors}`,
      );
      // after every checkpoint, so a run stopped early still leaves what it measured
      if (config.BENCH_WRITE === 'true') write(samples, perLeaf, (Date.now() - startedAt) / 1000);
    }
  } finally {
    await region.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function write(samples: Sample[], perLeaf: number, wallSeconds: number) {
  const base = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const perExchange = (s: Sample, f: (x: Sample) => number) =>
    s.exchanges === 0 ? '' : `${fmt(Math.round(((f(s) - f(base)) * MiB) / s.exchanges))}`;
  const rows = samples.map(
    (s) =>
      `| ${s.exchanges === 0 ? 'baseline (after start + 200 warm-up)' : fmt(s.exchanges)} | ${s.seconds.toFixed(0)} | ${s.rssMiB} | ${
        s.rssMiB - base.rssMiB
      } | ${s.heapMiB} | ${perExchange(s, (x) => x.heapMiB)} | ${s.externalMiB} | ${s.errors} |`,
  );
  writeSection(
    '## Memory under steady exchange load (issue 10)',
    `\`npm run bench:memory\` (bench/src/memory.ts): the region as \`npm start\` runs it (four province nodes in one
process, PGlite on disk, nats-server), ${concurrency} concurrent exchange queries 上海 → 浙江 through the edge, each
served by 浙江 and recorded in both provinces' audit logs (two audit records per exchange, one per side). RSS and
the live JS heap after a full GC at each checkpoint; the baseline is this same run after start and a warm-up.
Whole run ${(wallSeconds / 60).toFixed(1)} min on 2 cores shared with other jobs (throughput here is not a benchmark).

| exchanges | s | RSS MiB | RSS − baseline | heap MiB (live) | heap B / exchange vs baseline | external + ArrayBuffers MiB | errors |
|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Before the fix every audit record stayed in the audit service's in-memory proof tree (\`MerkleTree\`, all leaves
and subtree roots): measured in this run at **${fmt(perLeaf)} B of live heap per leaf**, so
${fmt(Math.round((perLeaf * 2 * last.exchanges) / MiB))} MiB for the ${fmt(last.exchanges)} exchanges here (two records each)
and about ${((perLeaf * 2 * 1_000_000) / 2 ** 30).toFixed(1)} GiB per million exchanges, never given back.
Proofs now come from the tree nodes stored beside the records (audit.tree_nodes) through a bounded
cache (16,384 nodes, about 3 MiB); the service keeps only the frontier (one hash per set bit of the size).`,
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
