/**
 * `npm run bench:subscribe`: subscriptions (订阅), events per second end to end.
 *
 * The four province nodes as `npm start` runs them (seeds, PGlite, one nats-server), in this one
 * process. 江苏's 智慧文旅 agency publishes visitor-flow events (`js.320000-WL-00001`, scenario 5)
 * through its node's HTTP API; the subscribers read them through their own nodes' HTTP API by cursor.
 * End to end means: the first publish call sent → the last event readable at the subscriber, i.e.
 * provider API, its JetStream feed, the durable consumer, Authorize, masking, the lane into the
 * requester province, the requester's database and audit on both sides, and the reader's page.
 *
 * 1. Throughput, one subscriber (上海 大数据中心): BENCH_EVENTS events published in calls of 500,
 *    BENCH_PUBLISHERS calls at a time.
 * 2. Throughput, three subscribers (上海, 浙江, 安徽 — scenario 5's "the other three"): the same.
 * 3. Latency at a trickle: one event every 50 ms, one subscriber; published → stored at the requester,
 *    from the two services' own timestamps (one process, one clock).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { envBool, parseConfig, z } from '@yrd/config';
import { createLogger } from '@yrd/logger';
import { type Province, provinces } from '@yrd/region';
import { backendCpu, backendCpuSince, freshDatabases } from './databases.js';
import { writeFlameSvg } from './flame.js';
import { cpuMicros } from './ipc.js';
import { onCpuOf, perfNodeFlags, perfScript, perfUnusable, removePerfMaps, shareList, startOnCpu } from './oncpu.js';
import { startBenchRegion } from './processes.js';
import { writeSection } from './results.js';

const config = parseConfig(
  z.object({
    BENCH_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
    BENCH_PUBLISHERS: z.coerce.number().int().min(1).max(64).default(4),
    BENCH_TRICKLE: z.coerce.number().int().min(10).max(10_000).default(200),
    /** e.g. postgres://postgres@127.0.0.1:5432/yrd_sub_{province} (made anew); absent = PGlite in memory */
    BENCH_DATABASE_URL: z.string().url().optional(),
    /** each province node in a process of its own (apps/node/src/main.ts), as hosts would run them */
    BENCH_PROCESSES: envBool(false),
    /**
     * with BENCH_PROCESSES: every CPU sampled with perf during run 1 (bench/src/oncpu.ts), the shares by
     * process and, in 江苏's and 上海's nodes, by package; an on-CPU flame graph in bench/
     */
    BENCH_PERF: envBool(false),
  }),
  process.env,
);
const store = config.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const separate = config.BENCH_PROCESSES;
/** the processes whose CPU a run counts: this one, and the province nodes' when they run apart */
const counted: { name: string; pid: number }[] = [{ name: 'bench', pid: process.pid }];
const cpuNow = () => counted.map((c) => cpuMicros(c.pid));
/** the broker's CPU, and the PostgreSQL backends' (other processes, counted apart from Node's) */
let natsPid = 0;
const backends = () => (config.BENCH_DATABASE_URL ? backendCpu(config.BENCH_DATABASE_URL) : new Map<number, number>());
const backendsSince = (before: Map<number, number>) =>
  config.BENCH_DATABASE_URL ? backendCpuSince(config.BENCH_DATABASE_URL, provinces, before) : 0;
const resourceId = 'js.320000-WL-00001';
const purpose = '长三角节假日大客流预警';
const perCall = 500;
const cores = availableParallelism();

interface ReadEvent {
  cursor: string;
  id: string;
  publishedAt: string;
  receivedAt: string;
}

type Urls = Record<Province, string>;

async function json<T>(url: string, method: string, token: string | undefined, body?: unknown): Promise<T> {
  const r = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url} → ${r.status} ${text}`);
  return JSON.parse(text) as T;
}

const token = async (urls: Urls, user: string) => {
  const p = user.slice(0, 2) as Province;
  return (await json<{ token: string }>(`${urls[p]}/api/auth/v1/dev-token`, 'POST', undefined, { user })).token;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? Number.NaN;
}

interface Subscriber {
  province: Province;
  user: string;
  token: string;
  id: string;
}

async function subscribe(urls: Urls, province: Province, user: string): Promise<Subscriber> {
  const t = await token(urls, user);
  const sub = await json<{ id: string; status: string }>(`${urls[province]}/api/exchange/v1/subscriptions`, 'POST', t, {
    resourceId,
    purpose,
  });
  if (sub.status !== 'active') throw new Error(`subscription ${sub.id} is ${sub.status}`);
  return { province, user, token: t, id: sub.id };
}

const cancel = (urls: Urls, s: Subscriber) =>
  json(`${urls[s.province]}/api/exchange/v1/subscriptions/${s.id}`, 'DELETE', s.token);

/** Reads a subscriber's events by cursor until `n` arrived; returns them and when the last page came. */
async function readAll(urls: Urls, s: Subscriber, n: number, timeoutMs: number) {
  const events: ReadEvent[] = [];
  let after = '0';
  const until = Date.now() + timeoutMs;
  while (events.length < n) {
    if (Date.now() > until) throw new Error(`${s.province}: ${events.length} of ${n} events after ${timeoutMs} ms`);
    const page = await json<{ events: ReadEvent[]; next: string }>(
      `${urls[s.province]}/api/exchange/v1/subscriptions/${s.id}/events?after=${after}&limit=1000`,
      'GET',
      s.token,
    );
    events.push(...page.events);
    after = page.next;
    if (page.events.length < 1000) await sleep(20);
  }
  return { events, doneAt: performance.now() };
}

function flowEvents(run: string, from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${run}-${from + i}`,
    fields: {
      scenic_area: `景区${(from + i) % 97}`,
      city: '苏州',
      visitor_count: (from + i) % 20_000,
      capacity: 20_000,
      alert_level: '正常',
      stat_time: new Date().toISOString(),
    },
  }));
}

interface Throughput {
  label: string;
  subscribers: number;
  events: number;
  publishSeconds: number;
  endToEndSeconds: number;
  lagP50: number;
  lagP99: number;
  /** the counted processes' CPU (every thread) from the first publish to the last event read, per delivered event */
  cpuPerEventUs: number;
  /** the same, process by process (`counted`) */
  cpuPerEventByProcess: number[];
  /** nats-server's CPU per delivered event, and the PostgreSQL backends' */
  natsCpuPerEventUs: number;
  pgCpuPerEventUs: number;
}

async function throughput(
  urls: Urls,
  publisher: string,
  subs: Subscriber[],
  run: string,
  label: string,
): Promise<Throughput> {
  const n = config.BENCH_EVENTS;
  const calls = Math.ceil(n / perCall);
  const cpu0 = cpuNow();
  const nats0 = cpuMicros(natsPid);
  const pg0 = backends();
  const t0 = performance.now();
  const readers = subs.map((s) => readAll(urls, s, n, 600_000));
  let next = 0;
  const workers = Array.from({ length: config.BENCH_PUBLISHERS }, async () => {
    for (;;) {
      const c = next++;
      if (c >= calls) return;
      const count = Math.min(perCall, n - c * perCall);
      await json(`${urls.js}/api/exchange/v1/feeds/${resourceId}/events`, 'POST', publisher, {
        events: flowEvents(run, c * perCall, count),
      });
    }
  });
  await Promise.all(workers);
  const published = performance.now();
  const read = await Promise.all(readers);
  const done = Math.max(...read.map((r) => r.doneAt));
  const cpu = cpuNow().map((us, i) => us - (cpu0[i] ?? 0));
  const natsUs = cpuMicros(natsPid) - nats0;
  const pgUs = backendsSince(pg0);
  for (const [i, r] of read.entries()) {
    const ids = new Set(r.events.map((e) => e.id));
    if (ids.size !== n || r.events.length !== n) {
      throw new Error(`${subs[i]?.province}: ${r.events.length} events, ${ids.size} distinct, ${n} published`);
    }
  }
  const lags = read.flatMap((r) => r.events.map((e) => Date.parse(e.receivedAt) - Date.parse(e.publishedAt)));
  return {
    label,
    subscribers: subs.length,
    events: n,
    publishSeconds: (published - t0) / 1000,
    endToEndSeconds: (done - t0) / 1000,
    lagP50: percentile(lags, 0.5),
    lagP99: percentile(lags, 0.99),
    cpuPerEventUs: cpu.reduce((a, b) => a + b, 0) / (n * subs.length),
    cpuPerEventByProcess: cpu.map((us) => us / (n * subs.length)),
    natsCpuPerEventUs: natsUs / (n * subs.length),
    pgCpuPerEventUs: pgUs / (n * subs.length),
  };
}

async function trickle(urls: Urls, publisher: string, sub: Subscriber) {
  const n = config.BENCH_TRICKLE;
  const reader = readAll(urls, sub, n, 600_000);
  for (let i = 0; i < n; i++) {
    await json(`${urls.js}/api/exchange/v1/feeds/${resourceId}/events`, 'POST', publisher, {
      events: flowEvents('trickle', i, 1),
    });
    await sleep(50);
  }
  const { events } = await reader;
  const lags = events.map((e) => Date.parse(e.receivedAt) - Date.parse(e.publishedAt));
  return { n, p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: Math.max(...lags) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-bench-subscribe-'));
  const logger = createLogger({ name: 'bench', level: 'error' });
  const databaseUrl = config.BENCH_DATABASE_URL;
  if (databaseUrl) await freshDatabases(databaseUrl);
  console.log(
    `starting the region (4 provinces, ${store}, nats-server${separate ? ', a process per province' : ''}) …`,
  );
  const perfWanted = config.BENCH_PERF && separate;
  const region = await startBenchRegion({
    dir,
    databaseUrl,
    separate,
    logger,
    nodeFlags: perfWanted ? perfNodeFlags : [],
  });
  natsPid = region.natsPid;
  const pids = region.pids;
  if (pids) for (const p of provinces) counted.push({ name: p, pid: pids[p] });
  try {
    const urls = region.urls;
    const publisher = await token(urls, 'js-wlt-publisher');

    console.log(`run 1: ${config.BENCH_EVENTS} events, one subscriber …`);
    const one = [await subscribe(urls, 'sh', 'sh-dsj-requester')];
    const perfFile = join(dir, 'oncpu.data');
    const unusable = config.BENCH_PERF
      ? separate
        ? perfUnusable()
        : 'it needs the nodes in processes of their own (BENCH_PROCESSES=true)'
      : undefined;
    const perf = config.BENCH_PERF && !unusable ? startOnCpu(perfFile) : undefined;
    const r1 = await throughput(urls, publisher, one, 'one', '1 subscriber (上海)');
    await perf?.stop();
    const onCpu = config.BENCH_PERF
      ? unusable
        ? `No on-CPU sampling (\`BENCH_PERF\`): ${unusable}.`
        : onCpuParagraph(perfFile, pids, region.natsPid)
      : '';
    if (onCpu) console.log(onCpu);
    await Promise.all(one.map((s) => cancel(urls, s)));

    console.log(`run 2: ${config.BENCH_EVENTS} events, three subscribers …`);
    const three = [
      await subscribe(urls, 'sh', 'sh-dsj-requester'),
      await subscribe(urls, 'zj', 'zj-dsjj-requester'),
      await subscribe(urls, 'ah', 'ah-sjzyj-requester'),
    ];
    const r2 = await throughput(urls, publisher, three, 'three', '3 subscribers (上海, 浙江, 安徽)');
    await Promise.all(three.map((s) => cancel(urls, s)));

    console.log(`run 3: ${config.BENCH_TRICKLE} events one at a time …`);
    const t = await trickle(urls, publisher, await subscribe(urls, 'sh', 'sh-dsj-requester'));

    const row = (r: Throughput) =>
      `| ${r.label} | ${r.events} | ${Math.round(r.events / r.publishSeconds)} | ${Math.round(
        (r.events * r.subscribers) / r.endToEndSeconds,
      )} | ${r.endToEndSeconds.toFixed(1)} | ${r.lagP50} | ${r.lagP99} | ${Math.round(r.cpuPerEventUs)} | ${Math.round(
        r.natsCpuPerEventUs,
      )} | ${config.BENCH_DATABASE_URL ? Math.round(r.pgCpuPerEventUs) : '–'} | ${Math.round(
        r.cpuPerEventUs + r.natsCpuPerEventUs + r.pgCpuPerEventUs,
      )} |`;
    const body = `
江苏's visitor-flow entry (\`${resourceId}\`, unconditional, 6 general items, no masking needed) published by its
providing agency through the 江苏 node's HTTP API in calls of ${perCall} events, ${config.BENCH_PUBLISHERS} calls at a
time; each subscriber reads through its own node's HTTP API by cursor (pages of 1000). ${
      separate
        ? 'Each province node runs in a process of its own (`BENCH_PROCESSES=true`, apps/node/src/main.ts), as hosts would run them; the load generator and the readers in the bench process'
        : 'Four province nodes, the load generator and the readers share one Node process (and its thread)'
    }; nats-server (JetStream, file storage)
runs beside it; ${
      config.BENCH_DATABASE_URL
        ? 'every node on PostgreSQL (a database per province, made anew; its backends are other processes, counted in a column of their own)'
        : 'every node on embedded PGlite (in memory)'
    }. A publish call's events go into 江苏's feed stream as one JetStream message, once the provider looked
up their ids in its record of published ids (and recorded them after). Delivery as the node runs it: batches of up to 1000
events (and half the broker's largest message), Authorize per batch (decision reused for 2 s), audit events on
both sides per batch, JetStream acknowledged (the batch's last event, AckPolicy.All) after the requester stored the
batch and the provider recorded it; the next batch is sent while the last one is recorded and acknowledged.

| run | events | published/s (provider API) | delivered/s end to end (all subscribers) | first publish → last event readable, s | publish → stored p50 ms | p99 ms | Node CPU per delivered event, µs | nats-server, µs | PostgreSQL, µs | all, µs |
| --- | -----: | -------------------------: | ---------------------------------------: | -------------------------------------: | ----------------------: | -----: | -------------------------------: | --------------: | -------------: | ------: |
${row(r1)}
${row(r2)}

Under a burst the provider's API takes events faster than they are delivered, so "publish → stored" is
mostly time spent waiting in the feed stream (the backlog), not the cost of one delivery; with three
subscribers each has its own consumer and delivery, and the three share ${
      separate ? "江苏's event loop" : 'the one thread with everything else'
    }.
At a trickle (one event every 50 ms, ${t.n} events, one subscriber) the cost of one delivery shows: published →
stored at 上海 p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms — a delivery waits for its first event, then
takes at once what is already behind it, so a lone event goes without batching delay.

${
  separate
    ? `The CPU column is the CPU (all threads) of the bench process and the four nodes' processes from the first publish to
the last event read, divided by the events delivered. Run 1 by process, µs per event: ${counted
        .map((c, i) => `${c.name} ${Math.round(r1.cpuPerEventByProcess[i] ?? 0)}`)
        .join(', ')} (the bench process publishes and reads; 江苏 takes the events, keeps the feed and delivers;
上海 stores, audits and serves the pages). Two cores serve them all, and nats-server.
Where 江苏's node spent its busy time on 2026-12-05, while events were one JetStream message each (CPU profile,
\`BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…"\`): the NATS client about 25 % (a message, its acknowledgement and
its delivery to the consumer per event, each with headers), garbage collection 13 %, protobuf 9 %, socket writes
9 %, zod and fastify 11 %, node-postgres 2 %. Since 2026-12-06 a publish call is one message: the section
"Subscribe: one message per publish call" has the before and after. 上海's node spends its time in node-postgres
(about 30 %: storing the batches and reading the pages) and fastify (serving the pages).`
    : `The CPU column is this process's CPU (all its threads) from the first publish to the last event read, divided by
the events delivered: publishing, the feed stream's client, delivery, both provinces' databases and audit
ingestion, and the readers. Everything but nats-server runs on one event loop (GC and I/O threads aside), so what
one subscriber gets is about what that loop can do at this cost, whatever is pipelined: ≥ 20,000/s needs ≤ 50 µs
of CPU per event on it (run 1: ${Math.round(r1.cpuPerEventUs)} µs).`
}
${
  config.BENCH_DATABASE_URL || separate
    ? ''
    : `Where it goes (CPU profile of run 1, \`node --cpu-prof\`, 2026-12-05): embedded PGlite about 38 % (the requester's
insert and the readers' pages, one row per event, plus audit ingestion), garbage collection 11 %, socket writes
and HTTP 20 %, protobuf, NATS, zod and the exchange's own code 3–4 % each. The store on the same thread is the
limit: PostgreSQL (or PGlite in its own process per province) would take it off this thread.`
}

The last three columns add what runs beside Node: nats-server (the feed stream, the lanes, the audit streams)${
      config.BENCH_DATABASE_URL
        ? ' and the PostgreSQL backends of the four databases'
        : '; PGlite runs inside Node, so its CPU is in the Node column'
    }. ${(() => {
      const all = r1.cpuPerEventUs + r1.natsCpuPerEventUs + r1.pgCpuPerEventUs;
      return `At run 1's ${Math.round(all)} µs of CPU per event in all, this machine's ${cores} cores allow at most ${Math.round(
        (cores * 1e6) / all,
      ).toLocaleString('en-US')} events/s however the work is spread over processes; ${(20_000).toLocaleString(
        'en-US',
      )}/s needs ≤ ${Math.round((cores * 1e6) / 20_000)} µs in all.`;
    })()}

Every run checked that each subscriber received every event exactly once (count and distinct ids).
${onCpu ? `\n${onCpu}\n` : ''}`;
    console.log(body);
    writeSection(
      `## Subscribe: events per second end to end — ${store}${separate ? ', a process per province' : ''}`,
      body,
    );
  } finally {
    await region.stop();
    if (perfWanted && pids) removePerfMaps(Object.values(pids));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run 1 on CPU (`BENCH_PERF`): shares by process, and by package inside 江苏's and 上海's nodes; a flame graph. */
function onCpuParagraph(file: string, pids: Record<Province, number> | undefined, natsPid: number): string {
  const named = new Map<number, string>([
    [process.pid, 'bench (publisher and readers)'],
    [natsPid, 'nats-server'],
  ]);
  for (const p of provinces) if (pids) named.set(pids[p], `${p}'s node`);
  const script = perfScript(file);
  const all = onCpuOf(script, named, new Set());
  const svg = writeFlameSvg(
    all.folded,
    resolve(import.meta.dirname, `../flame-subscribe-${store.toLowerCase()}-oncpu.svg`),
    `every CPU on CPU (perf, ${all.samples} samples), subscribe run 1 (one subscriber), ${store}, a process per province`,
  );
  const inside = (p: Province, what: string) => {
    if (!pids) return '';
    const r = onCpuOf(script, named, new Set([pids[p]]));
    return `${what} (${r.node} % of all) by the package of the nearest JavaScript frame, per cent of its samples: ${shareList(
      r.nodeAreas.slice(0, 12),
    )}`;
  };
  return `On CPU, the whole machine during run 1 (\`BENCH_PERF\`: perf sampling every CPU at 499 Hz, ${all.samples} samples, run 1's
figures above taken under it;
flame graph \`bench/${svg.split('/').pop()}\`), per cent of all samples — by process: ${shareList(all.processes)}.
${inside('js', "江苏's node")}. ${inside('sh', "上海's node")}.`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
