import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { envBool, parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { connectProvince, subjects } from '@yrd/nats';
import { demoBookingNo } from '@yrd/seeds';
import { Agent, setGlobalDispatcher } from 'undici';
import { freshDatabases } from './databases.js';
import { booking, bookingGrant, json, purpose } from './journey.js';
import { type LoadResult, runLoad } from './load.js';
import { startBenchRegion } from './processes.js';
import { writeSection } from './results.js';
import { traceBreakdown } from './spans.js';

const config = parseConfig(
  z.object({
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(16),
    BENCH_SECONDS: z.coerce.number().min(1).max(600).default(10),
    /** e.g. postgres://postgres@127.0.0.1:5432/yrd_bench_{province}; absent = PGlite */
    BENCH_DATABASE_URL: z.string().url().optional(),
    /** one process per province node (as production runs them) instead of all in the bench's own */
    BENCH_PROCESSES: envBool(false),
  }),
  process.env,
);
const concurrency = config.BENCH_CONCURRENCY;
const seconds = config.BENCH_SECONDS;
const _resultsFile = resolve(import.meta.dirname, '../RESULTS.md');
setGlobalDispatcher(new Agent({ connections: concurrency * 2, keepAliveTimeout: 30_000 }));

let storage = 'embedded PGlite';

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-bench-'));
  const logger = createLogger({ name: 'bench', level: 'error' });
  const databaseUrl = config.BENCH_DATABASE_URL;
  if (databaseUrl) await freshDatabases(databaseUrl);
  storage = databaseUrl ? `PostgreSQL (${databaseUrl.replace(/\/\/[^@/]*@/, '//')})` : 'embedded PGlite';
  const separate = config.BENCH_PROCESSES;
  console.log(
    `starting the region (4 provinces, ${storage}, nats-server${separate ? ', a process per province' : ''}) …`,
  );
  const region = await startBenchRegion({ dir, databaseUrl, separate, logger });
  try {
    const sh = region.urls.sh;
    const zj = region.urls.zj;
    const { requester, grantId } = await bookingGrant(sh, zj, ['query', 'verify']);
    const queryBody = JSON.stringify({ resourceId: booking, purpose, key: { booking_no: demoBookingNo }, grantId });
    const verifyBody = JSON.stringify({
      resourceId: booking,
      purpose,
      key: { booking_no: demoBookingNo },
      claims: { phone: '13816620317' },
      grantId,
    });
    const sample = await json(`${sh}/api/exchange/v1/queries`, 'POST', JSON.parse(queryBody), requester);
    const payloadBytes = sample.bytes;

    const post = (path: string, body: string) => async () => {
      const r = await fetch(`${sh}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${requester}` },
        body,
      });
      await r.arrayBuffer();
      return r.ok;
    };

    // raw NATS: the same lane, accounts and server; the responder answers with a same-size payload
    const payload = new Uint8Array(payloadBytes).fill(0x61);
    const zjNc = await connectProvince({
      servers: region.natsUrl,
      credentials: region.credentials.zj,
      name: 'bench/zj',
      logger,
    });
    const shNc = await connectProvince({
      servers: region.natsUrl,
      credentials: region.credentials.sh,
      name: 'bench/sh',
      logger,
    });
    // same lane export (xchg.zj.from.sh.>) and accounts, but a subject the exchange does not serve
    const lane = `${subjects.laneExport('zj', 'sh').slice(0, -1)}bench.raw`;
    const sub = zjNc.subscribe(lane, { queue: 'bench', callback: (_e, m) => void m.respond(payload) });
    await zjNc.flush();
    const request = new Uint8Array(Buffer.byteLength(queryBody)).fill(0x62);

    const results: LoadResult[] = [];
    const opts = { concurrency, seconds };
    console.log(`raw NATS request/reply (${payloadBytes} B reply) …`);
    results.push(
      await runLoad('raw NATS request/reply, 上海 → 浙江 lane', opts, async () => {
        await shNc.request(lane, request, { timeout: 5000 });
        return true;
      }),
    );
    console.log('exchange query …');
    results.push(
      await runLoad('exchange query (HTTP → … → audit acked)', opts, post('/api/exchange/v1/queries', queryBody)),
    );
    console.log('exchange verify …');
    results.push(
      await runLoad(
        'exchange verify (HTTP → … → audit acked)',
        opts,
        post('/api/exchange/v1/verifications', verifyBody),
      ),
    );
    sub.unsubscribe();
    await shNc.close();
    await zjNc.close();

    // spans are collected in this process: with the nodes in their own processes there are none here
    if (!separate) console.log('span breakdown of sequential queries …');
    const breakdown = separate
      ? { stats: [], traces: 0 }
      : await traceBreakdown(30, post('/api/exchange/v1/queries', queryBody));
    writeResults(results, payloadBytes, breakdown, separate);
    console.table(results);
  } finally {
    await region.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeResults(
  results: LoadResult[],
  payloadBytes: number,
  breakdown: Awaited<ReturnType<typeof traceBreakdown>>,
  separate: boolean,
) {
  const [raw, query, verify] = results as [LoadResult, LoadResult, LoadResult];
  const row = (r: LoadResult) =>
    `| ${r.name} | ${r.throughput} | ${r.p50ms} | ${r.p99ms} | ${r.maxms} | ${r.requests} | ${r.errors} | ${separate ? '—' : r.cpuUsPerRequest} |`;
  const ratio = (r: LoadResult) =>
    `| ${r.name} | ${(r.throughput / raw.throughput).toFixed(3)} | ${(r.p99ms / raw.p99ms).toFixed(1)}× |`;
  writeSection(
    `## Exchange path vs raw NATS — ${storage.startsWith('PostgreSQL') ? 'PostgreSQL' : 'PGlite'}${separate ? ', a process per province' : ''}`,
    `Concurrency ${concurrency}, ${seconds} s per run after a 2 s warm-up, ${
      separate
        ? 'a process per province node (apps/node/src/main.ts, as production runs them) and one for the load generator'
        : 'one process (the four province nodes, the load generator)'
    } plus nats-server. Storage: ${storage}. Reply payload ${payloadBytes} B.

| run | req/s | p50 ms | p99 ms | max ms | requests | errors | CPU µs / request |
|---|---:|---:|---:|---:|---:|---:|---:|
${results.map(row).join('\n')}

| run | throughput / raw | p99 / raw |
|---|---:|---:|
${[query, verify].map(ratio).join('\n')}

${
  breakdown.traces === 0
    ? 'No span breakdown in this mode: the spans are recorded in the node processes (see the one-process section).\n'
    : `Where one query spends its time (${breakdown.stats[0]?.count ?? 0} sequential queries, traced; ${breakdown.traces} traces —
one per request, across HTTP, NATS and gRPC). Spans nest: the edge span contains the exchange span, and so on.

| span | count | p50 ms | p90 ms |
|---|---:|---:|---:|
${breakdown.stats.map((s) => `| ${s.span} | ${s.count} | ${s.p50ms} | ${s.p90ms} |`).join('\n')}
`
}`,
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
