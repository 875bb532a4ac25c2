/**
 * What a run leaves behind is reclaimed by the next one: the server stops with its caller (even on
 * kill -9), a leftover server of the same folder is stopped before a start, and nothing that is not
 * ours is touched.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findNatsServer, startNatsServer } from './nats-server.js';
import { freePort } from './ports.js';

const moduleFile = fileURLToPath(new URL('./nats-server.ts', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function groupOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

describe('a nats-server of a data folder', () => {
  const dirs: string[] = [];
  const strays: number[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'yrd-nats-life-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs in a process group of its own (a terminal’s Ctrl-C does not reach it) and stop() leaves nothing', async () => {
    const dir = newDir();
    const n = await startNatsServer({ dir });
    const pid = Number(readFileSync(n.pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    // the supervisor leads a new group, the server is in it; the test runner's group is another
    const group = groupOf(pid);
    expect(group).toBe(n.process.pid);
    expect(group).not.toBe(groupOf(process.pid));
    await n.stop();
    await n.stop(); // twice is fine
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(n.pidFile)).toBe(false);
  });

  it('stops when its caller is killed with SIGKILL', async () => {
    const dir = newDir();
    const caller = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startNatsServer } = await import(process.argv[1]);
         await startNatsServer({ dir: process.argv[2] });
         console.log('up');
         setInterval(() => {}, 1000);`,
        moduleFile,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    caller.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await until('the caller to start its server', () => out.includes('up'), 60_000);
    const pid = Number(readFileSync(join(dir, 'nats-server.pid'), 'utf8'));
    strays.push(pid);
    expect(isAlive(pid)).toBe(true);
    caller.kill('SIGKILL');
    await exited(caller);
    await until('the server to stop', () => !isAlive(pid));
  }, 90_000);

  it('a leftover server of the same folder (its supervisor gone too) is stopped, and its port is taken over', async () => {
    const dir = newDir();
    const first = await startNatsServer({ dir, port: await freePort() });
    const port = first.port;
    const configPath = first.configPath;
    await first.stop();
    // a server as a killed run leaves it: started with this folder's config, nobody watching it
    const leftover = spawn(
      findNatsServer(),
      ['-c', configPath, '-p', String(port), '-P', join(dir, 'nats-server.pid')],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    leftover.unref();
    strays.push(leftover.pid as number);
    await until('the leftover to write its pid file', () => existsSync(join(dir, 'nats-server.pid')));
    const next = await startNatsServer({ dir, port });
    try {
      expect(next.port).toBe(port);
      expect(isAlive(leftover.pid as number)).toBe(false);
    } finally {
      await next.stop();
    }
  }, 30_000);

  it('a pid file naming a process that is not our server is only a stale file: that process is left alone', async () => {
    const dir = newDir();
    // this test runner: alive, but no nats-server of this folder
    writeFileSync(join(dir, 'nats-server.pid'), String(process.pid));
    const n = await startNatsServer({ dir });
    try {
      expect(Number(readFileSync(n.pidFile, 'utf8'))).not.toBe(process.pid);
    } finally {
      await n.stop();
    }
    // a dead pid and garbage are stale files too
    writeFileSync(join(dir, 'nats-server.pid'), '999999999');
    await (await startNatsServer({ dir })).stop();
    writeFileSync(join(dir, 'nats-server.pid'), 'not a pid');
    await (await startNatsServer({ dir })).stop();
  }, 30_000);

  it('a port held by another program is refused with the port named, and leaves no server behind', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const { port } = holder.address() as { port: number };
    const dir = newDir();
    try {
      await expect(startNatsServer({ dir, port })).rejects.toThrow(`port ${port} is held by another program`);
      expect(existsSync(join(dir, 'nats-server.pid'))).toBe(false);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  }, 30_000);
});
