/**
 * Starts a local `nats-server` with the generated province-account config. The demo and the tests
 * use it; neither depends on a broker that happens to be running on the machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

export interface RunningNats {
  url: string;
  port: number;
  configPath: string;
  credentials: Record<Province, NatsCredentials>;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartNatsOptions {
  /** folder for the config file and the JetStream store */
  dir: string;
  /** 0 or absent = a random free port chosen by the server */
  port?: number;
  credentials?: Record<Province, NatsCredentials>;
  bin?: string;
  /** where the server's own log goes (default: dir/nats-server.log) */
  logFile?: string;
}

export async function startNatsServer(opts: StartNatsOptions): Promise<RunningNats> {
  const bin = findNatsServer(opts.bin);
  mkdirSync(opts.dir, { recursive: true });
  const { text, credentials } = renderServerConfig({
    port: opts.port && opts.port > 0 ? opts.port : -1,
    storeDir: join(opts.dir, 'jetstream'),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  const configPath = join(opts.dir, 'nats-server.conf');
  writeFileSync(configPath, text, { mode: 0o600 });
  const child = spawn(bin, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start in 10s:\n${buf}`)), 10_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${buf}`));
    });
    child.stderr?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /Listening for client connections on [^:\s]+:(\d+)/.exec(buf);
      if (m && /Server is ready/.test(buf)) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  // keep draining stderr so the server never blocks on a full pipe
  child.stderr?.resume();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    configPath,
    credentials,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
