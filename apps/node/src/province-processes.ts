/**
 * A province node as a process per service (`service.ts <name>` each, run as the services' bundle built
 * once here from the sources), as tests, benches and the federation test start it: the key files
 * written, each process spawned with its own environment (its own PGlite folder, started from one empty
 * cluster, the province's NATS account, its siblings' addresses), health awaited, and each stopped with
 * SIGTERM. `wrap` puts a command in front of node (e.g. `ip netns exec yrd-sh`) so the processes run in
 * another network namespace. A process left running when the caller's process exits is killed.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import type { JsonWebKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emptyClusterTarball } from '@yrd/db';
import { freePort, type NatsCredentials } from '@yrd/nats';
import { defaultPorts, type Province, type SubjectKeyring } from '@yrd/region';
import { serviceBundle } from './service-bundle.js';
import { type ProcessName, processNames } from './service-config.js';

const script = resolve(import.meta.dirname, 'service.ts');

export interface ProvinceProcessesOptions {
  province: Province;
  /** folder for the key files and each service's PGlite folder (created if missing) */
  dir: string;
  nats: { url: string; credentials: NatsCredentials };
  /** the province's private key */
  privateJwk: JsonWebKey;
  /** the regional trust list as published (a v2 document, or a map of one public JWK per province) */
  trustList: unknown;
  subjectKeys: SubjectKeyring;
  /** where the processes listen and reach each other (default 127.0.0.1) */
  host?: string;
  /** 'free': ports free now on this host (default); 'default': the province's standard ports */
  ports?: 'free' | 'default';
  /** PostgreSQL for every service (each keeps its own schema); absent: a PGlite folder each */
  databaseUrl?: string;
  /**
   * PGlite: a new folder's cluster starts from this empty one (a file of `emptyClusterTarball()`)
   * instead of each process running initdb (6-7 s of CPU); absent: this process's, written into `dir`
   */
  emptyClusterFile?: string;
  /** the edge's dev routes (seed users, dev tokens); default true */
  devMode?: boolean;
  /** the demo seeds on first start; default true */
  seed?: boolean;
  /**
   * what node runs: 'bundle' (default) the services bundled into one file, built once per process from
   * the sources as they are (service-bundle.ts); 'source' service.ts through tsx
   */
  runner?: 'bundle' | 'source';
  /** a command in front of node, e.g. ['ip', 'netns', 'exec', 'yrd-sh'] */
  wrap?: string[];
  /** more variables for one process or all (`YRD_LOG_LEVEL`, `YRD_STOP_GRACE_MS` …) */
  env?: Partial<Record<ProcessName | 'all', Record<string, string>>>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: ProcessName;
  child: ChildProcess;
  /** what it wrote so far, stdout and stderr together (for a failing test's message) */
  output(): string;
  exited: Promise<Exit>;
  alive(): boolean;
}

export interface ProvinceProcesses {
  province: Province;
  /** the edge's origin */
  edgeUrl: string;
  ports: Record<ProcessName, { http: number; grpc: number; admin: number }>;
  /** each process's environment as spawned (a restart uses it again) */
  env: Record<ProcessName, Record<string, string>>;
  /** the process now running as each service (a restart replaces it) */
  processes: Map<ProcessName, ServiceProcess>;
  /** spawns the service again (or first), with its environment and `extra` */
  start(name: ProcessName, extra?: Record<string, string>): ServiceProcess;
  /** until the edge's /healthz is ok: every service behind it ok */
  healthy(timeoutMs?: number): Promise<void>;
  /** SIGTERM, and how it ended and how long that took; rejects after `timeoutMs` */
  terminate(name: ProcessName, timeoutMs?: number): Promise<Exit & { ms: number }>;
  /** SIGTERM to every process at once */
  stop(timeoutMs?: number): Promise<Record<ProcessName, Exit & { ms: number }>>;
  /** SIGKILL to whatever still runs (cleanup after a failure) */
  kill(): Promise<void>;
}

/** every process started here, killed should the parent exit first */
const everyChild = new Set<ChildProcess>();
let exitHook = false;

export async function startProvinceProcesses(opts: ProvinceProcessesOptions): Promise<ProvinceProcesses> {
  const { province, dir } = opts;
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(dir, { recursive: true });
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const keyFile = file(`${province}.jwk`, JSON.stringify(opts.privateJwk));
  const trustFile = file('trust-list.json', JSON.stringify(opts.trustList));
  const subjectKeysFile = file('subject-keys.json', JSON.stringify(opts.subjectKeys));
  const passwordFile = file('nats-password', opts.nats.credentials.pass);
  const emptyCluster = opts.databaseUrl
    ? undefined
    : (opts.emptyClusterFile ?? file('empty-cluster.tar.gz', await emptyClusterTarball()));

  const ports = {} as ProvinceProcesses['ports'];
  const standard = defaultPorts(province);
  for (const name of processNames) {
    ports[name] =
      opts.ports === 'default'
        ? name === 'edge'
          ? { http: standard.edge, grpc: 0, admin: standard.admin.edge }
          : { http: standard.http[name], grpc: standard.grpc[name], admin: standard.admin[name] }
        : { http: await freePort(host), grpc: name === 'edge' ? 0 : await freePort(host), admin: await freePort(host) };
  }
  const url = (name: ProcessName) => `http://${host}:${ports[name].http}`;
  const grpc = (name: ProcessName) => `${host}:${ports[name].grpc}`;
  const edgeUrl = url('edge');

  const env = {} as ProvinceProcesses['env'];
  for (const name of processNames) {
    const own: Record<string, string> = {
      YRD_PROVINCE: province,
      YRD_PROVINCE_KEY_FILE: keyFile,
      YRD_TRUST_LIST_FILE: trustFile,
      YRD_HOST: host,
      YRD_HTTP_PORT: String(ports[name].http),
      YRD_ADMIN_PORT: String(ports[name].admin),
      YRD_LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    };
    const service: Record<string, string> =
      name === 'edge'
        ? {
            YRD_CATALOG_URL: url('catalog'),
            YRD_CONSENT_URL: url('consent'),
            YRD_EXCHANGE_URL: url('exchange'),
            YRD_AUDIT_URL: url('audit'),
            YRD_CERTIFICATE_URL: url('certificate'),
            YRD_DEV_MODE: String(opts.devMode ?? true),
            YRD_SUBJECT_KEYS_FILE: subjectKeysFile,
          }
        : {
            YRD_GRPC_PORT: String(ports[name].grpc),
            YRD_NATS_URL: opts.nats.url,
            YRD_NATS_USER: opts.nats.credentials.user,
            YRD_NATS_PASSWORD_FILE: passwordFile,
            YRD_SUBJECT_KEYS_FILE: subjectKeysFile,
            ...(opts.databaseUrl
              ? { YRD_DATABASE_URL: opts.databaseUrl }
              : { YRD_DATA_DIR: join(dir, name), YRD_PGLITE_EMPTY_CLUSTER_FILE: emptyCluster ?? '' }),
            ...(name === 'audit'
              ? { YRD_EXCHANGE_METRICS_URL: `http://${host}:${ports.exchange.admin}/metrics` }
              : { YRD_SEED: String(opts.seed ?? true) }),
            ...(name === 'catalog' ? { YRD_PUBLIC_BASE_URL: edgeUrl } : {}),
            ...(name === 'certificate' ? { YRD_CERTIFICATE_KEY_DIR: join(dir, name, 'keys') } : {}),
            ...(name === 'consent' || name === 'exchange' ? { YRD_CATALOG_GRPC: grpc('catalog') } : {}),
            ...(name === 'exchange' ? { YRD_CONSENT_GRPC: grpc('consent') } : {}),
          };
    env[name] = { ...own, ...service, ...opts.env?.all, ...opts.env?.[name] };
  }

  const entry = opts.runner === 'source' ? ['--import', 'tsx', script] : [await serviceBundle()];
  const processes = new Map<ProcessName, ServiceProcess>();
  const start = (name: ProcessName, extra: Record<string, string> = {}): ServiceProcess => {
    const [command, ...args] = [...(opts.wrap ?? []), process.execPath, ...entry, name];
    // only what the process is configured with, and PATH
    const child = spawn(command ?? process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env[name], ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    everyChild.add(child);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const c of everyChild) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      });
    }
    const chunks: string[] = [];
    child.stdout?.on('data', (b: Buffer) => chunks.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => chunks.push(b.toString()));
    const exited = new Promise<Exit>((done) =>
      child.once('exit', (code, signal) => {
        everyChild.delete(child);
        done({ code, signal });
      }),
    );
    const p: ServiceProcess = {
      name,
      child,
      output: () => chunks.join(''),
      exited,
      alive: () => child.exitCode === null && child.signalCode === null,
    };
    processes.set(name, p);
    return p;
  };

  const terminate = async (name: ProcessName, timeoutMs = 10_000) => {
    const p = processes.get(name);
    if (!p) throw new Error(`${name} was never started`);
    const t0 = Date.now();
    if (p.alive()) p.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${name} did not exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs);
    });
    try {
      return { ...(await Promise.race([p.exited, late])), ms: Date.now() - t0 };
    } finally {
      clearTimeout(timer);
    }
  };

  const kill = async () => {
    await Promise.all(
      [...processes.values()]
        .filter((p) => p.alive())
        .map(async (p) => {
          p.child.kill('SIGKILL');
          await p.exited;
        }),
    );
  };

  const healthy = async (timeoutMs = 90_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(`${edgeUrl}/healthz`, { signal: AbortSignal.timeout(3000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      const dead = [...processes.values()].filter((p) => !p.alive());
      if (dead.length > 0 || Date.now() > end) {
        const said = [...processes.values()].map((p) => `--- ${p.name} (exit ${p.child.exitCode})\n${p.output()}`);
        const why = dead.length > 0 ? `${dead.map((p) => p.name).join(', ')} exited` : `not within ${timeoutMs} ms`;
        throw new Error(`province ${province} not healthy: ${why}\n${said.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  // all at once, the edge first and the catalogue last: none waits for the siblings it calls
  for (const name of [...processNames].reverse()) start(name);
  return {
    province,
    edgeUrl,
    ports,
    env,
    processes,
    start,
    healthy,
    terminate,
    stop: async (timeoutMs) => {
      const names = [...processes.keys()];
      const exits = await Promise.all(names.map((n) => terminate(n, timeoutMs)));
      return Object.fromEntries(names.map((n, i) => [n, exits[i]])) as Record<ProcessName, Exit & { ms: number }>;
    },
    kill,
  };
}
