/**
 * `npm run bench:exchange` — the exchange measured as production runs it (issue 14):
 *
 *  - three processes: this one (it orchestrates, and plays the telemetry collector), the region's
 *    (bench/src/exchange-server.ts: the four province nodes; before them, the ladder's servers in a
 *    process of the same script that is stopped first)
 *    and the load generator's (bench/src/loadgen.ts, undici). CPU per request is read from /proc
 *    for each process: the region's, the load generator's, nats-server's and, with PostgreSQL, the
 *    bench databases' backends;
 *  - the region as the demo keeps it: PGlite on disk, or PostgreSQL with BENCH_DATABASE_URL
 *    (postgres://…/yrd_bench_{province}, dropped and created anew);
 *  - the production log level (info) and telemetry on: every request traced, spans batched and sent
 *    over OTLP/HTTP to a collector (this process answers 200 and counts what arrives);
 *  - 10,000 synthetic bookings and 10,000 synthetic licences at 浙江 (bench/src/dataset.ts), six
 *    requesters of 上海, 江苏 and 安徽 each with their own grant for the bookings, the licences under
 *    the implicit grant government requesters have; keys drawn at random; user tokens living
 *    BENCH_TOKEN_TTL seconds, renewed by the load generator;
 *  - the baseline, raw NATS request/reply on the same lane and server, in the same run; the ladder
 *    (bench/src/ladder.ts) before the region starts.
 *
 * Writes its section of bench/RESULTS.md; the last line printed is the ratio query / raw NATS.
 */

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Principal } from '@yrd/auth';
import { envBool, parseConfig, z } from '@yrd/config';
import { type RunningNats, startNatsServer, subjects } from '@yrd/nats';
import { generateRegionSecrets } from '@yrd/node';
import { type Province, provinces } from '@yrd/region';
import { users } from '@yrd/seeds';
import { backendCpu, backendCpuSince, freshDatabases } from './databases.js';
import { bookingResource, bookings, licenceResource, licences } from './dataset.js';
import { selfTime, writeFlameGraph, writeFlameSvg } from './flame.js';
import { Child, cpuMicros, syscalls } from './ipc.js';
import { json, purpose } from './journey.js';
import { type LadderClientConfig, type LadderStep, ladderLabels, ladderSteps } from './ladder.js';
import type { ExchangeTarget, Job, LoadStats } from './loadgen.js';
import { perfNodeFlags, perfUnusable, readOnCpu, removePerfMaps, shareList, startOnCpu } from './oncpu.js';
import { until } from './processes.js';
import { writeSection } from './results.js';

const config = parseConfig(
  z.object({
    /** e.g. postgres://postgres@127.0.0.1:5432/yrd_bench_{province}; absent = PGlite on disk */
    BENCH_DATABASE_URL: z.string().url().optional(),
    BENCH_SECONDS: z.coerce.number().min(1).max(600).default(10),
    /** before every measured run on the region (raw NATS and the exchange) */
    BENCH_WARMUP_SECONDS: z.coerce.number().min(0).max(600).default(10),
    BENCH_LADDER_WARMUP_SECONDS: z.coerce.number().min(0).max(600).default(3),
    BENCH_LADDER_SECONDS: z.coerce.number().min(1).max(600).default(6),
    BENCH_RECORDS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    BENCH_TOKEN_TTL: z.coerce.number().int().min(10).max(86_400).default(30),
    /** a CPU profile of the region during one more query run, and a flame graph in bench/ */
    BENCH_PROFILE: envBool(false),
    /**
     * the whole machine sampled on CPU with Linux perf during one more query run (bench/src/oncpu.ts):
     * shares by process and by package, and an on-CPU flame graph in bench/
     */
    BENCH_PERF: envBool(false),
    BENCH_LADDER: envBool(true),
    /**
     * `one`: the four province nodes in one process; `two`: 浙江 (the provider) in one, the three
     * requesting provinces in another, as two hosts would; `four`: a process per province node
     */
    BENCH_LAYOUT: z.enum(['one', 'two', 'four']).default('one'),
  }),
  process.env,
);
const concurrencies = [16, 64] as const;
const here = import.meta.dirname;
const databaseUrl = config.BENCH_DATABASE_URL;
const store = databaseUrl ? 'PostgreSQL' : 'PGlite';
const layout = config.BENCH_LAYOUT;

/** the requesters: two agencies in each of 上海, 江苏, 安徽 */
const requesterIds = [
  'sh-dsj-requester',
  'sh-scjgj-requester',
  'js-sjj-requester',
  'js-scjgj-requester',
  'ah-hfhg-requester',
  'ah-sjzyj-requester',
];

interface Row extends LoadStats {
  name: string;
  concurrency: number;
  /** µs of CPU per request */
  regionCpuUs: number;
  /** of the region's: 浙江's process (the provider), with a process per province */
  providerCpuUs: number;
  /** read and write system calls the region's processes made per request (sockets, files, timers' reads) */
  regionReads: number;
  regionWrites: number;
  natsCpuUs: number;
  pgCpuUs: number;
  /** bytes the region logged per request */
  logBytes: number;
}

/** CPU of each PostgreSQL backend serving this run's databases (none without PostgreSQL). */
const pgBackends = () => (databaseUrl ? backendCpu(databaseUrl, [...provinces, 'ladder']) : new Map<number, number>());
const pgBackendsSince = (before: Map<number, number>) =>
  databaseUrl ? backendCpuSince(databaseUrl, [...provinces, 'ladder'], before) : 0;

/** An OTLP/HTTP collector that accepts everything: spans leave the region as in production. */
async function startCollector() {
  const seen = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    seen.requests++;
    req.on('data', (c: Buffer) => {
      seen.bytes += c.length;
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}/v1/traces`,
    seen,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-bench-exchange-'));
  const collector = await startCollector();
  if (databaseUrl) await freshDatabases(databaseUrl, [...provinces, 'ladder']);
  log(`exchange bench: ${store}, work folder ${dir}`);
  // the ladder's servers, then the region (`one`) or 浙江's node (`two`, `four`); the other provinces' nodes beside it
  /** the pids of the processes started with perfNodeFlags, whose code maps go when the bench ends */
  const perfMapped: number[] = [];
  const regionChild = (name: string) => {
    const child = new Child(name, join(here, 'exchange-server.ts'), {
      ...(config.BENCH_PERF ? { execArgv: perfNodeFlags } : {}),
      env: { ...process.env, BENCH_OTLP_ENDPOINT: collector.endpoint, NODE_ENV: 'production' },
      stdoutFile: join(dir, `${name}.log`),
    });
    if (config.BENCH_PERF && child.process.pid) perfMapped.push(child.process.pid);
    return child;
  };
  const server = regionChild(layout === 'one' ? 'region' : 'region-zj');
  /** the processes of the requesting provinces' nodes (`two`: one for the three; `four`: one each) */
  const others = new Map<string, Child>();
  /**
   * The ladder's servers run in a process of their own, stopped before the region starts: run in
   * the region's process before it, they left the region ~1 ms more CPU per exchange on PGlite
   * (bench/RESULTS.md, 2026-12-05, third pass), which is not the region's cost.
   */
  let ladderChild: Child | undefined;
  /** the processes whose CPU is the `region` (or, during the ladder, `server`) column */
  const children = () => (ladderChild ? [ladderChild] : [server, ...others.values()]);
  const logSize = () =>
    children().reduce((n, c) => {
      try {
        return n + statSync(join(dir, `${c.name}.log`)).size;
      } catch {
        return n;
      }
    }, 0);
  const loadgen = new Child('loadgen', join(here, 'loadgen.ts'), {});
  const regionCpu = () => children().reduce((n, c) => n + cpuMicros(c.process.pid ?? 0), 0);
  const regionSyscalls = () =>
    children().reduce(
      (n, c) => {
        const s = syscalls(c.process.pid ?? 0);
        return { reads: n.reads + s.reads, writes: n.writes + s.writes };
      },
      { reads: 0, writes: 0 },
    );
  const providerCpu = () => (layout === 'one' ? 0 : cpuMicros(server.process.pid ?? 0));
  let natsPid = 0;
  let regionNats: RunningNats | undefined;

  const measure = async (name: string, job: Job, concurrency: number, warm: number, seconds: number) => {
    await loadgen.call('prepare', job);
    if (warm > 0) await loadgen.call<LoadStats>('run', { concurrency, seconds: warm });
    const r0 = regionCpu();
    const z0 = providerCpu();
    const s0 = regionSyscalls();
    const n0 = cpuMicros(natsPid);
    const p0 = pgBackends();
    const l0 = logSize();
    const stats = await loadgen.call<LoadStats>('run', { concurrency, seconds });
    const per = (us: number) => Math.round(us / Math.max(1, stats.requests + stats.errors));
    const row: Row = {
      name,
      concurrency,
      ...stats,
      regionCpuUs: per(regionCpu() - r0),
      providerCpuUs: per(providerCpu() - z0),
      ...(() => {
        const s1 = regionSyscalls();
        const count = Math.max(1, stats.requests + stats.errors);
        return {
          regionReads: Number(((s1.reads - s0.reads) / count).toFixed(2)),
          regionWrites: Number(((s1.writes - s0.writes) / count).toFixed(2)),
        };
      })(),
      natsCpuUs: per(cpuMicros(natsPid) - n0),
      pgCpuUs: per(pgBackendsSince(p0)),
      logBytes: per(logSize() - l0),
    };
    log(
      `  ${name} c${concurrency}: ${row.throughput}/s p50 ${row.p50ms} ms p99 ${row.p99ms} ms, errors ${row.errors}` +
        `, CPU µs/req region ${row.regionCpuUs}${layout !== 'one' ? ` (浙江 ${row.providerCpuUs})` : ''} loadgen ${row.loadgenCpuUs} nats ${row.natsCpuUs}` +
        (databaseUrl ? ` postgres ${row.pgCpuUs}` : '') +
        `, log ${row.logBytes} B/req, region syscalls/req read ${row.regionReads} write ${row.regionWrites}` +
        (row.firstErrors.length ? ` — first errors: ${row.firstErrors.join('; ')}` : ''),
    );
    return row;
  };

  try {
    // ── the ladder, with its own nats-server and database, before the region starts ──
    const ladder: Row[] = [];
    if (config.BENCH_LADDER) {
      log('ladder …');
      ladderChild = regionChild('ladder');
      const l = await ladderChild.call<{ client: Omit<LadderClientConfig, 'keys'>; keys: string[]; natsPid: number }>(
        'ladderStart',
        {
          dir,
          databaseUrl: databaseUrl?.replaceAll('{province}', 'ladder'),
          records: config.BENCH_RECORDS,
        },
      );
      natsPid = l.natsPid;
      const cfg: LadderClientConfig = { ...l.client, keys: l.keys };
      for (const step of ladderSteps) {
        ladder.push(
          await measure(
            ladderLabels[step as LadderStep],
            { kind: 'ladder', step, cfg },
            16,
            config.BENCH_LADDER_WARMUP_SECONDS,
            config.BENCH_LADDER_SECONDS,
          ),
        );
      }
      await ladderChild.call('ladderStop');
      await ladderChild.stop(60_000);
      ladderChild = undefined;
    }

    // ── the region ──
    log(
      `starting the region (4 provinces, ${store}${databaseUrl ? '' : ' on disk'}, ${{ one: 'in one process', two: '浙江 in one process, the others in another', four: 'a process each' }[layout]}) …`,
    );
    const secrets = generateRegionSecrets();
    let region: { urls: Record<Province, string>; natsUrl: string };
    if (layout === 'one') {
      const r = await server.call<{ urls: Record<Province, string>; natsUrl: string; natsPid: number }>('regionStart', {
        dir: join(dir, 'region'),
        databaseUrl,
        secrets,
      });
      natsPid = r.natsPid;
      region = r;
    } else {
      regionNats = await startNatsServer({ dir: join(dir, 'region', 'nats'), port: 0, credentials: secrets.nats });
      natsPid = Number(readFileSync(regionNats.pidFile, 'utf8').trim());
      const urls = {} as Record<Province, string>;
      // one after another, as the region starts them: four nodes starting at once would crowd 2 cores
      for (const p of provinces) {
        const name = p === 'zj' ? 'region-zj' : layout === 'two' ? 'region-requesters' : `region-${p}`;
        const child = name === 'region-zj' ? server : (others.get(name) ?? regionChild(name));
        if (child !== server) others.set(name, child);
        const started = await child.call<{ url: string }>('provinceStart', {
          province: p,
          dir: join(dir, 'region'),
          databaseUrl,
          secrets,
          natsUrl: regionNats.url,
        });
        urls[p] = started.url;
      }
      await Promise.all(children().map((c) => c.call('syncCatalog')));
      region = { urls, natsUrl: regionNats.url };
    }
    const added = await server.call<number>('seed', { databaseUrl, records: config.BENCH_RECORDS });
    log(`  ${added} synthetic records added to 浙江's datasets`);
    const targets = await grants(region.urls);
    log(`  ${targets.length / 2} requesters with a grant each for the bookings; the licences unconditional`);
    const bookingSet = bookings(config.BENCH_RECORDS);
    const licenceSet = licences(config.BENCH_RECORDS);
    const keys: Record<string, [string, string][]> = {
      [bookingResource]: bookingSet.records.map((r) => [r.booking_no ?? '', r.phone ?? '']),
      [licenceResource]: licenceSet.records.map((r) => [r.credit_code ?? '', r.legal_representative ?? '']),
    };
    const provinceKeys = Object.fromEntries(
      (['sh', 'js', 'ah'] as const).map((p) => [p, secrets.keys[p].privateJwk]),
    ) as Partial<Record<Province, (typeof secrets.keys)['sh']['privateJwk']>>;
    const exchangeJob = (mode: 'query' | 'verify'): Job => ({
      kind: 'exchange',
      mode,
      purpose,
      targets,
      keys,
      provinceKeys,
      tokenTtlSeconds: config.BENCH_TOKEN_TTL,
    });
    const payloadBytes = await sampleAnswers(targets[0], keys[bookingResource]?.[0]?.[0] ?? '');

    // ── raw NATS on the same server and lane, then the exchange ──
    const lane = `${subjects.laneExport('zj', 'sh').slice(0, -1)}bench.raw`;
    await server.call('rawResponder', {
      subject: lane,
      replyBytes: payloadBytes,
      natsUrl: region.natsUrl,
      credentials: secrets.nats.zj,
    });
    const rawJob: Job = {
      kind: 'raw',
      natsUrl: region.natsUrl,
      credentials: secrets.nats.sh,
      subject: lane,
      requestBytes: 200,
    };
    const rows: Row[] = [];
    log('raw NATS request/reply, 上海 → 浙江 lane …');
    for (const c of concurrencies) {
      rows.push(await measure('raw NATS request/reply', rawJob, c, config.BENCH_WARMUP_SECONDS, config.BENCH_SECONDS));
    }
    for (const mode of ['query', 'verify'] as const) {
      log(`exchange ${mode} …`);
      for (const c of concurrencies) {
        rows.push(
          await measure(`exchange ${mode}`, exchangeJob(mode), c, config.BENCH_WARMUP_SECONDS, config.BENCH_SECONDS),
        );
      }
    }
    // what the region spends with no request at all: its timers (tree heads, witnesses, presence,
    // resyncs), the audit ingestion catching up, PostgreSQL's background; a second of it is paid
    // whatever the throughput
    const idle = await (async () => {
      await new Promise((r) => setTimeout(r, 2000));
      const r0 = regionCpu();
      const n0 = cpuMicros(natsPid);
      const p0 = pgBackends();
      const ms = config.BENCH_SECONDS * 1000;
      await new Promise((r) => setTimeout(r, ms));
      const perSecond = (us: number) => Math.round(us / (ms / 1000) / 1000);
      return {
        regionMs: perSecond(regionCpu() - r0),
        natsMs: perSecond(cpuMicros(natsPid) - n0),
        pgMs: perSecond(pgBackendsSince(p0)),
      };
    })();
    log(
      `  at rest, no requests: CPU ms per second region ${idle.regionMs} nats ${idle.natsMs}${databaseUrl ? ` postgres ${idle.pgMs}` : ''}`,
    );
    log('raw NATS again (noise check) …');
    rows.push(
      await measure(
        'raw NATS request/reply (again, after)',
        rawJob,
        16,
        config.BENCH_WARMUP_SECONDS,
        config.BENCH_SECONDS,
      ),
    );
    await server.call('rawStop');

    let flame = '';
    if (config.BENCH_PROFILE) {
      log('profiling the region during one more query run (c16) …');
      const profiled = [server, ...[...others.values()].slice(0, 1)];
      for (const c of profiled) await c.call('profileStart');
      await measure('exchange query (profiled)', exchangeJob('query'), 16, 0, config.BENCH_SECONDS);
      const lines: string[] = [];
      for (const c of profiled) {
        const file = join(dir, `${c.name}-${store.toLowerCase()}.cpuprofile`);
        await c.call('profileStop', { file });
        const names: Record<string, string> = {
          region: 'the region process',
          'region-zj': "浙江's process",
          'region-requesters': 'the process of 上海, 江苏 and 安徽',
        };
        const who = names[c.name] ?? `${c.name}'s process`;
        const suffix = c.name === 'region' ? '' : `-${c.name.slice('region-'.length)}`;
        const svg = writeFlameGraph(file, resolve(here, `../flame-exchange-${store.toLowerCase()}${suffix}.svg`), {
          title: `${who}, exchange query at concurrency 16, ${store}`,
        });
        const self = selfTime(file);
        lines.push(`Flame graph of ${who} during one more query run (concurrency 16, profiled with the
inspector, 0.5 ms sampling): \`bench/${svg.split('/').pop()}\`. Self time, per cent of the busy samples — by where
the code lives: ${self.areas.map(([a, p]) => `${a} ${p}`).join(', ')}; the busiest functions: ${self.functions
          .map(([f, p]) => `\`${f}\` ${p}`)
          .join(', ')}.`);
      }
      flame = lines.join('\n\n');
      log(`  ${flame}`);
    }
    if (config.BENCH_PERF) {
      const onCpu = await sampleOnCpu({
        measure: () => measure('exchange query (perf)', exchangeJob('query'), 16, 0, config.BENCH_SECONDS),
        dir,
        region: [server, ...others.values()],
        loadgen,
        natsPid,
      });
      flame = [flame, onCpu].filter(Boolean).join('\n\n');
      log(`  ${onCpu}`);
    }

    const report: Report = { rows, ladder, payloadBytes, otlp: collector.seen, flame, records: added, targets, idle };
    writeFileSync(reportFile, JSON.stringify(report));
    write(report);
    const ratio = (c: number) => {
      const raw = rows.find((r) => r.name === 'raw NATS request/reply' && r.concurrency === c);
      const q = rows.find((r) => r.name === 'exchange query' && r.concurrency === c);
      return raw && q ? (q.throughput / raw.throughput).toFixed(3) : 'n/a';
    };
    console.log(
      `ratio full query path / raw NATS (${store}): ${ratio(16)} at concurrency 16, ${ratio(64)} at concurrency 64`,
    );
  } finally {
    await loadgen.stop();
    await Promise.all([server, ...others.values(), ...(ladderChild ? [ladderChild] : [])].map((c) => c.stop(60_000)));
    await regionNats?.stop();
    await collector.stop();
    removePerfMaps(perfMapped);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One more query run while perf samples every CPU: the shares by process and, in the region's Node
 * processes, by package, as a paragraph of the section; an on-CPU flame graph of the machine.
 */
async function sampleOnCpu(o: {
  measure: () => Promise<unknown>;
  dir: string;
  region: readonly Child[];
  loadgen: Child;
  natsPid: number;
}): Promise<string> {
  const unusable = perfUnusable();
  if (unusable) return `No on-CPU sampling (\`BENCH_PERF\`): ${unusable}.`;
  log('sampling every CPU with perf during one more query run (c16) …');
  const file = join(o.dir, 'oncpu.data');
  const perf = startOnCpu(file);
  await o.measure();
  await perf.stop();
  const regionPids = new Set(o.region.map((c) => c.process.pid ?? 0));
  const named = new Map<number, string>([
    ...o.region.map((c): [number, string] => [c.process.pid ?? 0, c.name]),
    [o.loadgen.process.pid ?? 0, 'load generator'],
    [o.natsPid, 'nats-server'],
    [process.pid, 'bench (span collector)'],
  ]);
  const r = readOnCpu(file, named, regionPids);
  const svg = writeFlameSvg(
    r.folded,
    resolve(here, `../flame-exchange-${store.toLowerCase()}-oncpu.svg`),
    `every CPU on CPU (perf, ${r.samples} samples), exchange query at concurrency 16, ${store}`,
  );
  return `On CPU, the whole machine (\`BENCH_PERF\`: perf sampling every CPU at 499 Hz during one more query run at
concurrency 16, ${r.samples} samples; flame graph \`bench/${svg.split('/').pop()}\`), per cent of all samples — by
process: ${shareList(r.processes)}. The region's ${r.node} % by the package of the nearest JavaScript frame, per cent of
the region's samples: ${shareList(r.nodeAreas)}.`;
}

/** Each requester applies for 浙江's bookings at its own edge; 浙江's reviewer approves. */
async function grants(urls: Record<Province, string>): Promise<ExchangeTarget[]> {
  const devToken = async (p: Province, user: string) =>
    String((await json(`${urls[p]}/api/auth/v1/dev-token`, 'POST', { user })).body.token);
  const reviewer = await devToken('zj', 'zj-dsjj-reviewer');
  const targets: ExchangeTarget[] = [];
  for (const id of requesterIds) {
    const u = users.find((x) => x.id === id);
    if (!u) throw new Error(`no seed user ${id}`);
    const user: Principal = {
      sub: u.id,
      name: u.name,
      province: u.province,
      agency: u.agency,
      roles: u.roles,
      kind: u.kind ?? 'government',
    };
    const edge = urls[u.province];
    const token = await devToken(u.province, id);
    // provinces learn each other's catalogues over NATS: the requester's must list 浙江's entries
    for (const r of [bookingResource, licenceResource]) {
      await until(
        async () =>
          (await fetch(`${edge}/api/catalog/v1/resources/${r}`, { headers: { authorization: `Bearer ${token}` } })).ok,
        `${u.province} to see ${r}`,
      );
    }
    const app = await json(
      `${edge}/api/consent/v1/applications`,
      'POST',
      {
        resourceId: bookingResource,
        purpose,
        legalBasis: '基准测试',
        items: ['booking_no', 'venue', 'person_name', 'phone', 'visit_date'],
        modes: ['query', 'verify'],
        validUntil: '2099-12-31T00:00:00Z',
        // the grant's rate limit must not be what the bench measures
        ratePerMinute: 600_000,
      },
      token,
    );
    const decided = await json(
      `${urls.zj}/api/consent/v1/applications/${String(app.body.id)}/decision`,
      'POST',
      { decision: 'approve', reason: '基准测试' },
      reviewer,
    );
    const grantId = String((decided.body.grant as { id: string }).id);
    targets.push({ edge, user, resourceId: bookingResource, grantId, keyItem: 'booking_no', claimItem: 'phone' });
    targets.push({
      edge,
      user,
      resourceId: licenceResource,
      keyItem: 'credit_code',
      claimItem: 'legal_representative',
    });
  }
  return targets;
}

/** One query and one verification of each resource, checked, before any load: the size of an answer. */
async function sampleAnswers(t: ExchangeTarget | undefined, key: string) {
  if (!t) throw new Error('no requester');
  const token = String((await json(`${t.edge}/api/auth/v1/dev-token`, 'POST', { user: t.user.sub })).body.token);
  const q = await json(
    `${t.edge}/api/exchange/v1/queries`,
    'POST',
    { resourceId: bookingResource, purpose, key: { booking_no: key }, grantId: t.grantId },
    token,
  );
  if (!Array.isArray(q.body.records) || q.body.records.length !== 1) {
    throw new Error(`a bench booking did not come back: ${JSON.stringify(q.body).slice(0, 200)}`);
  }
  const lic = licences(1).records[0] ?? {};
  await json(
    `${t.edge}/api/exchange/v1/queries`,
    'POST',
    { resourceId: licenceResource, purpose, key: { credit_code: lic.credit_code } },
    token,
  );
  await json(
    `${t.edge}/api/exchange/v1/verifications`,
    'POST',
    {
      resourceId: licenceResource,
      purpose,
      key: { credit_code: lic.credit_code },
      claims: { legal_representative: lic.legal_representative },
    },
    token,
  );
  return q.bytes;
}

/** What a run measured: kept in the temporary folder so the section can be written again (`--rewrite`). */
interface Report {
  rows: Row[];
  ladder: Row[];
  payloadBytes: number;
  otlp: { requests: number; bytes: number };
  flame: string;
  records: number;
  targets: ExchangeTarget[];
  /** CPU ms per second with no request at all, after the runs (absent in reports of older runs) */
  idle?: { regionMs: number; natsMs: number; pgMs: number };
}
const reportFile = join(tmpdir(), `yrd-bench-exchange-${store.toLowerCase()}.json`);

function write({ rows, ladder, payloadBytes, otlp, flame, records, targets, idle }: Report) {
  /** CPU µs per request by process, then `all` (the ladder) or the log bytes (the region) */
  const table = (rs: Row[], ladderTable: boolean) => {
    const split = layout !== 'one' && !ladderTable;
    const cols = [
      'run',
      'conc.',
      'req/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'requests',
      'errors',
      ladderTable ? 'CPU µs/req: server' : 'CPU µs/req: region',
      ...(split ? ['of it 浙江 (provider)'] : []),
      'load generator',
      'nats-server',
      ...(databaseUrl ? ['postgres'] : []),
      ...(ladderTable ? ['all'] : ['log B/req', 'region syscalls/req: read', 'write']),
    ];
    const cells = (r: Row) => [
      r.name,
      r.concurrency,
      r.throughput,
      r.p50ms,
      r.p99ms,
      r.maxms,
      r.requests,
      r.errors,
      r.regionCpuUs,
      ...(split ? [r.providerCpuUs] : []),
      r.loadgenCpuUs,
      r.natsCpuUs,
      ...(databaseUrl ? [r.pgCpuUs] : []),
      ...(ladderTable
        ? [r.regionCpuUs + r.loadgenCpuUs + r.natsCpuUs + r.pgCpuUs]
        : [r.logBytes, r.regionReads ?? '', r.regionWrites ?? '']),
    ];
    return [
      `| ${cols.join(' | ')} |`,
      `|---|${cols
        .slice(1)
        .map(() => '---:')
        .join('|')}|`,
      ...rs.map((r) => `| ${cells(r).join(' | ')} |`),
    ].join('\n');
  };
  const raw = (c: number) => rows.find((r) => r.name === 'raw NATS request/reply' && r.concurrency === c);
  const ratios = rows
    .filter((r) => r.name.startsWith('exchange'))
    .map((r) => {
      const b = raw(r.concurrency);
      if (!b) return '';
      return `| ${r.name} | ${r.concurrency} | **${(r.throughput / b.throughput).toFixed(3)}** | ${(r.p99ms / b.p99ms).toFixed(1)}× | ${(r.regionCpuUs / Math.max(1, b.regionCpuUs)).toFixed(0)}× |`;
    })
    .join('\n');
  const target = databaseUrl ? '≥ 0.08 (PostgreSQL)' : '≥ 0.03 (PGlite)';
  const tokens = rows.filter((r) => r.name.startsWith('exchange')).reduce((n, r) => n + r.tokens, 0);
  writeSection(
    `## Exchange as production runs it — ${store}${{ one: '', two: ', provider and requesters in two processes', four: ', a process per province' }[layout]}`,
    `\`npm run bench:exchange\`${databaseUrl ? ' with `BENCH_DATABASE_URL`' : ''} (bench/src/exchange.ts). ${
      layout !== 'one'
        ? `The region split as hosts would split it (\`BENCH_LAYOUT=${layout}\`): ${layout === 'two' ? "浙江's node (the provider) in one process, the nodes of 上海, 江苏 and 安徽 (the requesters) in another" : 'a process per province node (上海, 江苏, 安徽 request, 浙江 provides)'}, ${databaseUrl ? 'PostgreSQL, a database per province made anew' : 'PGlite on disk as the demo keeps it'}; the load
generator (undici, a closed loop) in its own process, and the bench itself (starts them; plays the OTLP collector), plus nats-server.
The region's CPU is its node processes'; the column after it is 浙江's alone.`
        : `Three processes: the
region (the four province nodes in one process, ${databaseUrl ? 'PostgreSQL, a database per province made anew' : 'PGlite on disk as the demo keeps it'}), the load
generator (undici, a closed loop), and the bench itself (starts them; plays the OTLP collector), plus nats-server.`
    }
The region logs at \`info\` to a file and traces every request; ${otlp.requests} OTLP exports (${Math.round(otlp.bytes / 1024)} KiB) reached the
collector during the run. Data: ${records} synthetic records added at 浙江 (${config.BENCH_RECORDS} bookings, ${config.BENCH_RECORDS} business
licences, bench/src/dataset.ts), keys drawn at random. Requesters: ${targets.length / 2} users of 上海, 江苏 and 安徽
(${requesterIds.join(', ')}), each with its own grant for the bookings (applied for and approved through the API);
the licences are unconditional (the implicit grant of government requesters). Each request picks a user and a
resource. User tokens live ${config.BENCH_TOKEN_TTL} s and are renewed by the load generator when two thirds of
their life is gone (${tokens} tokens signed during the measured exchange runs). Warm-up ${config.BENCH_WARMUP_SECONDS} s before
every run, then ${config.BENCH_SECONDS} s measured. Raw NATS: 上海's
account requesting on its lane into 浙江 (same server, accounts and exports as the exchange), a ${payloadBytes} B answer
(the size of a query's JSON answer). CPU is µs per request, read from /proc for each process (all its threads);
the region's system calls per request (reads and writes: sockets, the log file, timers) from /proc/<pid>/io${
      databaseUrl
        ? '; `postgres` is the backends connected to the bench databases (not the WAL writer or checkpointer)'
        : ''
    }.

${table(rows, false)}

| run | conc. | throughput / raw | p99 / raw | region CPU / raw responder's |
|---|---:|---:|---:|---:|
${ratios}

Target ${target} × raw NATS at concurrency 16 and 64.${
      idle
        ? ` At rest after the runs (no request for ${config.BENCH_SECONDS} s), the region spends ${idle.regionMs} ms of CPU a second, nats-server ${idle.natsMs}${databaseUrl ? ` and the PostgreSQL backends ${idle.pgMs}` : ''}: its timers (tree heads, witnesses, presence, resyncs) are not what a request costs.`
        : ''
    }

${
  ladder.length > 0
    ? `**The ladder** (bench/src/ladder.ts): the same query's costs added one at a time with the project's libraries, at
concurrency 16, ${config.BENCH_LADDER_SECONDS} s each after ${config.BENCH_LADDER_WARMUP_SECONDS} s of warm-up, with its own nats-server and ${store} database
(${config.BENCH_RECORDS} bookings). Up to the JWT step the requester side runs in the load generator (it is the client);
from HTTP on it runs in the server process behind fastify and the load generator speaks HTTP only, so compare the
\`all\` column (every process's CPU per request). The JWT step keeps nothing: every request verifies the user's token,
signs a requester token and verifies it at the provider.

${table(ladder, true)}`
    : "**The ladder** (bench/src/ladder.ts) was not run this time (`BENCH_LADDER=false`): another section's ladder, or the next run without that setting, has it."
}

**What is cached, and for how long** (as the code reads today):
- user tokens at the edge: \`TokenVerifier\` (packages/auth) keeps a verified token until it expires (≤ 20,000 tokens);
  here a user's token is verified once per renewal, every ${Math.round((config.BENCH_TOKEN_TTL * 2) / 3)} s;
- requester tokens: the requesting exchange's \`TokenMinter\` signs one per (user, provider) with a 60 s life and
  reuses it until half of it is gone (30 s); the provider's \`TokenVerifier\` verifies each once;
- consent's Authorize: a grant read for a decision is kept 2 s (services/consent/src/app/grants.ts, forgotten at once
  on a revocation here), the province's rules 5 s (rules.ts), a catalogue entry 2 s (adapters/grpc.ts, forgotten when
  the catalogue announces a change); the revocation register is in memory and consulted on every decision;
- the exchange's data-source settings 2 s (services/exchange/src/app/sources.ts); which resources have embedded
  data, for the life of the process (seeds are loaded once).
Nothing else on the path is cached: every request reads its record, masks it, and waits for both audit acks.
${flame ? `\n${flame}\n` : ''}`,
  );
}

// several benches write bench/RESULTS.md: `--rewrite` writes the last run's section again
if (process.argv[2] === '--rewrite') write(JSON.parse(readFileSync(reportFile, 'utf8')) as Report);
else {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
