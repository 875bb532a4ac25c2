/**
 * The region as a province runs it in production: one process per province node
 * (`apps/node/src/main.ts`), each with its own event loop, against one nats-server. The bench's
 * default puts all four nodes in its own process; this mode lets the requester, the provider and the
 * load generator use different cores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TrustList } from '@yrd/auth';
import type { Logger } from '@yrd/logger';
import { type NatsCredentials, startNatsServer } from '@yrd/nats';
import { generateRegionSecrets, startRegion } from '@yrd/node';
import { type Province, provinceInfo, provinces } from '@yrd/region';

export interface ProcessRegion {
  urls: Record<Province, string>;
  natsUrl: string;
  credentials: Record<Province, NatsCredentials>;
  /** the province nodes' processes, by province */
  pids: Record<Province, number>;
  natsPid: number;
  stop(): Promise<void>;
}

const mainScript = resolve(import.meta.dirname, '../../apps/node/src/main.ts');

export async function startRegionProcesses(
  dir: string,
  databaseUrl: string | undefined,
  /** more node flags for every node (e.g. perfNodeFlags) */
  nodeFlags: readonly string[] = [],
): Promise<ProcessRegion> {
  const secrets = generateRegionSecrets();
  const trust = Object.fromEntries(provinces.map((p) => [p, secrets.keys[p].publicJwk])) as TrustList;
  const nats = await startNatsServer({ dir: join(dir, 'nats'), port: 0, credentials: secrets.nats });
  const trustFile = join(dir, 'trust.json');
  writeFileSync(trustFile, JSON.stringify(trust));
  const subjectKeysFile = join(dir, 'subject-keys.json');
  writeFileSync(subjectKeysFile, JSON.stringify(secrets.subjectKeys), { mode: 0o600 });
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null) return done();
            c.once('exit', () => done());
            c.kill('SIGINT');
          }),
      ),
    );
    await nats.stop();
  };
  try {
    for (const p of provinces) {
      const keyFile = join(dir, `${p}.jwk`);
      writeFileSync(keyFile, JSON.stringify(secrets.keys[p].privateJwk));
      // BENCH_NODE_ARGS: more node flags for the nodes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (a
      // profile per node, written when it stops)
      const nodeArgs = [...nodeFlags, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
      const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', mainScript], {
        env: {
          ...process.env,
          YRD_PROVINCE: p,
          YRD_NATS_URL: nats.url,
          YRD_NATS_USER: secrets.nats[p].user,
          YRD_NATS_PASSWORD: secrets.nats[p].pass,
          YRD_PROVINCE_KEY_FILE: keyFile,
          YRD_TRUST_LIST_FILE: trustFile,
          YRD_SUBJECT_KEYS_FILE: subjectKeysFile,
          YRD_DEV_MODE: 'true',
          YRD_SEED: 'true',
          YRD_LOG_LEVEL: 'error',
          NODE_ENV: 'development',
          ...(databaseUrl ? { YRD_DATABASE_URL: databaseUrl.replaceAll('{province}', p) } : {}),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
    }
    const urls = Object.fromEntries(
      provinces.map((p) => [p, `http://127.0.0.1:${provinceInfo[p].basePort}`]),
    ) as Record<Province, string>;
    for (const p of provinces) await until(async () => (await fetch(`${urls[p]}/healthz`)).ok, `${p} healthy`);
    const pids = Object.fromEntries(provinces.map((p, i) => [p, children[i]?.pid ?? 0])) as Record<Province, number>;
    const natsPid = Number(readFileSync(nats.pidFile, 'utf8').trim());
    return { urls, natsUrl: nats.url, credentials: secrets.nats, pids, natsPid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The region as a bench runs it: the four nodes in the bench's own process (PGlite in memory), or a process each. */
export type BenchRegion = Omit<ProcessRegion, 'pids'> & { pids: Record<Province, number> | undefined };

export async function startBenchRegion(opts: {
  dir: string;
  databaseUrl: string | undefined;
  separate: boolean;
  logger: Logger;
  /** more node flags for the nodes' processes (with `separate` only) */
  nodeFlags?: readonly string[];
}): Promise<BenchRegion> {
  if (opts.separate) return startRegionProcesses(opts.dir, opts.databaseUrl, opts.nodeFlags);
  const r = await startRegion({
    logger: opts.logger,
    dataDir: opts.dir,
    inMemory: true,
    databaseUrl: opts.databaseUrl,
    ports: 'random',
    devMode: true,
    seed: true,
  });
  return {
    urls: Object.fromEntries(provinces.map((p) => [p, r.nodes[p].url])) as Record<Province, string>,
    natsUrl: r.nats.url,
    credentials: r.secrets.nats,
    pids: undefined,
    natsPid: Number(readFileSync(r.nats.pidFile, 'utf8').trim()),
    stop: () => r.stop(),
  };
}

export async function until(check: () => Promise<boolean>, what: string, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
