/**
 * The demo as a user starts it: `npm start` (or node straight away, to kill exactly the node process)
 * in a process group of its own, as a shell runs a foreground job, with a data folder of the test's
 * and free ports; ready when it prints its URLs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface Demo {
  child: ChildProcess;
  /** each province's origin, as the demo printed it */
  urls: Record<string, string>;
  output: () => string;
}

export function startDemo(
  dataDir: string,
  how: { via?: 'npm' | 'node'; env?: Record<string, string>; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<Demo> {
  const [cmd, args] =
    (how.via ?? 'npm') === 'npm'
      ? ['npm', ['start', '--silent']]
      : [process.execPath, ['--import', 'tsx', 'apps/demo/src/main.ts']];
  const child = spawn(cmd, args, {
    cwd: root,
    detached: true,
    env: { ...process.env, YRD_DATA_DIR: dataDir, YRD_PORTS: 'random', YRD_NATS_PORT: '0', ...how.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  how.onSpawn?.(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setInterval(() => {
      if (!out.includes('Ctrl-C stops everything')) return;
      clearInterval(timer);
      const urls: Record<string, string> = {};
      for (const m of out.matchAll(/ (sh|js|zj|ah) {2}(http:\/\/127\.0\.0\.1:\d+)/g))
        urls[m[1] as string] = m[2] as string;
      resolvePromise({ child, urls, output: () => out });
    }, 200);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`demo exited with ${code}:\n${out}`));
    });
  });
}

/** A dev token for a seed user from the demo's origin of the user's province. */
export async function tokenFor(origin: string, user: string): Promise<string> {
  const r = await fetch(`${origin}/api/auth/v1/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  if (r.status !== 200) throw new Error(`no dev token for ${user}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}
