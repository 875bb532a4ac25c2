/**
 * `npm start` as a user runs it: the demo comes up, serves, stops cleanly on Ctrl-C (SIGINT), and a
 * second start keeps the data and does not load the seeds again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface Demo {
  child: ChildProcess;
  urls: Record<string, string>;
  output: () => string;
}

function startDemo(dataDir: string): Promise<Demo> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/demo/src/main.ts'], {
    cwd: root,
    env: { ...process.env, YRD_DATA_DIR: dataDir, YRD_PORTS: 'random', YRD_NATS_PORT: '0', YRD_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

function interrupt(demo: Demo): Promise<number | null> {
  return new Promise((res) => {
    demo.child.once('exit', (code) => res(code));
    demo.child.kill('SIGINT');
  });
}

async function tokenFor(url: string, user: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/v1/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return ((await r.json()) as { token: string }).token;
}

async function localTotal(url: string, token: string, province: string): Promise<number> {
  const r = await fetch(`${url}/api/catalog/v1/resources?province=${province}&pageSize=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await r.json()) as { total: number }).total;
}

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'yrd-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, stops cleanly on Ctrl-C, and a second start keeps the data', async () => {
    const first = await startDemo(dataDir);
    expect(Object.keys(first.urls).sort()).toEqual(['ah', 'js', 'sh', 'zj']);
    const zj = first.urls.zj as string;
    const publisher = await tokenFor(zj, 'zj-scjgj-publisher');
    const seeded = await localTotal(zj, publisher, 'zj');
    expect(seeded).toBeGreaterThanOrEqual(8);

    const created = await fetch(`${zj}/api/catalog/v1/resources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
      body: JSON.stringify({
        resourceCode: '330000-SCJG-00777',
        classCode: 'B01-01-01-01',
        name: '重启保留测试条目',
        providerCreditCode: '11330000MB1N62174N',
        items: [{ name: 'credit_code', label: '统一社会信用代码', grade: 'general', subLevel: 1 }],
        sharingTier: 'unconditional',
        sharingModes: ['interface'],
        openTier: 'none',
        grade: 'general',
      }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    const admin = await tokenFor(zj, 'zj-admin');
    const published = await fetch(`${zj}/api/catalog/v1/resources/${id}/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(published.status).toBe(200);

    expect(await interrupt(first)).toBe(0);
    expect(first.output()).toContain('stopped; data kept in');

    const second = await startDemo(dataDir);
    try {
      const zj2 = second.urls.zj as string;
      const token2 = await tokenFor(zj2, 'zj-scjgj-publisher'); // same province key: kept in the data folder
      expect(await localTotal(zj2, token2, 'zj')).toBe(seeded + 1); // the new entry, and no second seeding
      const again = await fetch(`${zj2}/api/catalog/v1/resources/${id}`, {
        headers: { authorization: `Bearer ${publisher}` },
      });
      expect(again.status).toBe(200);
    } finally {
      expect(await interrupt(second)).toBe(0);
    }
  });
});
