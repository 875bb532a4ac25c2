/**
 * Starts a local `nats-server` with the generated province-account config. The demo and the tests
 * use it; neither depends on a broker that happens to be running on the machine.
 *
 * What a run leaves behind is the caller's to reclaim, not the user's: the server is started
 *  - in its own process group, so Ctrl-C in a terminal reaches only the caller, which stops the
 *    nodes first and the server last (a server in the terminal's group died before they drained);
 *  - under a small `sh` supervisor that holds a pipe from the caller on stdin: when the caller dies,
 *    even by `kill -9`, the pipe closes and the supervisor stops the server;
 *  - with a pid file in its folder: if a previous server of that folder is somehow still alive (its
 *    supervisor killed too), the next start stops it first instead of failing on a taken port.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Province } from '@yrd/region';
import { type NatsCredentials, renderServerConfig } from './server-config.js';

export const natsInstallHint =
  'nats-server was not found. Install it (Debian/Ubuntu: `apt-get install -y nats-server`; ' +
  'macOS: `brew install nats-server`) or set YRD_NATS_SERVER_BIN to its path.';

export function findNatsServer(explicit?: string): string {
  const candidates = [explicit, '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    const p = execFileSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).trim();
    if (p) return p;
  } catch {
    // fall through to the hint
  }
  throw new Error(natsInstallHint);
}

/** A nats-server started from a config file, whatever config it runs (see launchNatsServer). */
export interface NatsProcess {
  url: string;
  port: number;
  configPath: string;
  /** the nats-server's pid file (removed by stop) */
  pidFile: string;
  /** the supervisor (`sh`) the server runs under; its process group holds both */
  process: ChildProcess;
  /** stops the server (graceful, then forced after 10 s); resolves once it has exited */
  stop(): Promise<void>;
}

export interface RunningNats extends NatsProcess {
  credentials: Record<Province, NatsCredentials>;
}

export interface StartNatsOptions {
  /** folder for the config file, the pid file and the JetStream store */
  dir: string;
  /** 0 or absent = a random free port chosen by the server */
  port?: number;
  credentials?: Record<Province, NatsCredentials>;
  bin?: string;
  /** false: without JetStream (see `ServerConfigOptions.jetstream`) */
  jetstream?: boolean;
}

/**
 * The supervisor, run as `sh -c SUPERVISOR <nats-server> <args…>`. Its stdin is a pipe whose only
 * writer is the caller; nothing is ever written, so a read ends exactly when the caller closes it
 * (stop) or dies. Then the server gets SIGTERM, and the supervisor exits with the server's status.
 */
const SUPERVISOR = `
exec 3<&0 </dev/null
"$0" "$@" 3<&- &
server=$!
trap 'kill -TERM "$server" 2>/dev/null' HUP INT TERM
{ while read -r _ <&3; do :; done; kill -TERM "$server" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$server"; code=$?
while kill -0 "$server" 2>/dev/null; do wait "$server"; code=$?; done
kill "$watcher" 2>/dev/null
exit "$code"
`;

const STOP_GRACE_MS = 10_000;

export async function startNatsServer(opts: StartNatsOptions): Promise<RunningNats> {
  let credentials: Record<Province, NatsCredentials> | undefined;
  const server = await launchNatsServer({
    dir: opts.dir,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.bin !== undefined ? { bin: opts.bin } : {}),
    config: ({ storeDir }) => {
      const rendered = renderServerConfig({
        port: opts.port && opts.port > 0 ? opts.port : -1,
        storeDir,
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
        ...(opts.jetstream === false ? { jetstream: false } : {}),
      });
      credentials = rendered.credentials;
      return rendered.text;
    },
  });
  return { ...server, credentials: credentials as Record<Province, NatsCredentials> };
}

export interface LaunchNatsOptions {
  /** folder for the config file, the pid file and the JetStream store (`<dir>/jetstream`) */
  dir: string;
  /** the config to run, given the JetStream store folder */
  config: (paths: { storeDir: string }) => string;
  /** the client port the config asks for (0, -1 or absent = random): only to explain a taken port */
  port?: number;
  bin?: string;
}

/**
 * Starts nats-server with a config of the caller's (a federation node's, see federation.ts) under
 * the same supervisor, pid file and reclaiming as startNatsServer; resolves once it is ready.
 */
export async function launchNatsServer(opts: LaunchNatsOptions): Promise<NatsProcess> {
  const bin = findNatsServer(opts.bin);
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'nats-server.conf');
  const pidFile = join(dir, 'nats-server.pid');
  await reclaimPrevious(pidFile, configPath);
  writeFileSync(configPath, opts.config({ storeDir: join(dir, 'jetstream') }), { mode: 0o600 });
  const child = spawn('sh', ['-c', SUPERVISOR, bin, '-c', configPath, '-P', pidFile], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  // the supervisor may be gone before the caller closes its end (the server failed): not an error
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let port: number;
  try {
    port = await new Promise<number>((resolvePort, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`nats-server did not start in 10s:\n${buf}`)), 10_000);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${buf}${portHint(buf, opts.port)}`));
      });
      child.stderr?.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /Listening for client connections on [^:\s]+:(\d+)/.exec(buf);
        if (m && /Server is ready/.test(buf)) {
          clearTimeout(timer);
          resolvePort(Number(m[1]));
        }
      });
    });
  } catch (err) {
    await stopSupervisor(child, exited);
    // the server writes its pid file before it listens
    rmSync(pidFile, { force: true });
    throw err;
  }
  // keep draining stderr so the server never blocks on a full pipe
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume();
  let stopping: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    configPath,
    pidFile,
    process: child,
    stop: () => {
      stopping ??= stopSupervisor(child, exited).then(() => rmSync(pidFile, { force: true }));
      return stopping;
    },
  };
}

/** Closing the supervisor's stdin stops the server; a server that ignores it is killed after the grace. */
async function stopSupervisor(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  const timer = setTimeout(() => {
    // the whole group: the supervisor and the server
    if (child.pid !== undefined) signal(-child.pid, 'SIGKILL');
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Names the port the server could not bind: the one it says (client, route or gateway), else the one asked for. */
export function portHint(stderr: string, port: number | undefined): string {
  if (!/address already in use/i.test(stderr)) return '';
  const said = /listen tcp [^\s]*:(\d+): bind: address already in use/i.exec(stderr)?.[1];
  const taken = said ?? (port !== undefined && port > 0 ? String(port) : undefined);
  const which = taken === undefined ? 'a port it needs' : `port ${taken}`;
  return `\n${which} is held by another program (not a nats-server of this data folder): stop it or choose another port`;
}

/**
 * A server recorded in `pidFile` that is still alive and runs `configPath` is a leftover of an earlier
 * run of this folder (its caller and supervisor were killed): stop it and wait until it is gone, so its
 * port and its JetStream store are free. A pid that is dead or now belongs to another program is only
 * a stale file.
 */
export async function reclaimPrevious(pidFile: string, configPath: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return;
  }
  if (Number.isSafeInteger(pid) && pid > 1 && isAlive(pid) && runsConfig(pid, configPath)) {
    signal(pid, 'SIGTERM');
    if (!(await gone(pid, STOP_GRACE_MS))) {
      signal(pid, 'SIGKILL');
      await gone(pid, 5_000);
    }
  }
  rmSync(pidFile, { force: true });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but another user's, so not ours
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Whether process `pid` is a nats-server started with `configPath` (a reused pid is someone else's). */
function runsConfig(pid: number, configPath: string): boolean {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    try {
      // no /proc (macOS): ps prints the command line, space-separated
      args = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
    } catch {
      return false;
    }
  }
  return args.includes(configPath) && args.some((a) => /nats-server$/.test(a));
}
