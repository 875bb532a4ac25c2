/**
 * `npm start` as a user runs it: the demo comes up, serves, stops cleanly on Ctrl-C (SIGINT to the
 * whole foreground process group, as a terminal sends it), and a second start keeps the data and does
 * not load the seeds again. After a `kill -9` of the demo's node process, nothing it left behind (its
 * nats-server, the embedded databases' state) stops the next start on the same NATS port.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@yrd/nats';
import { generateRegionSecrets } from '@yrd/node';
import { afterAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo, tokenFor } from './demo-process.js';

/** two starts of four nodes each on a shared 2-core machine */
const TEST_TIMEOUT_MS = 600_000;
/** every demo started here, so a failed test leaves none running */
const started: ChildProcess[] = [];
const onSpawn = (child: ChildProcess) => void started.push(child);
const demoEnv = (natsPort = 0) => ({ YRD_NATS_PORT: String(natsPort), YRD_LOG_LEVEL: 'warn' });

function exitOf(demo: Demo): Promise<number | null> {
  if (demo.child.exitCode !== null) return Promise.resolve(demo.child.exitCode);
  return new Promise((res) => demo.child.once('exit', (code) => res(code)));
}

/** Ctrl-C in a terminal: SIGINT to every process of the foreground group. */
function interrupt(demo: Demo): Promise<number | null> {
  const exited = exitOf(demo);
  process.kill(-(demo.child.pid as number), 'SIGINT');
  return exited;
}

async function localTotal(url: string, token: string, province: string): Promise<number> {
  const r = await fetch(`${url}/api/catalog/v1/resources?province=${province}&pageSize=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await r.json()) as { total: number }).total;
}

/** Creates and publishes a 浙江 entry; returns its id. */
async function publishEntry(zj: string, resourceCode: string, name: string): Promise<string> {
  const publisher = await tokenFor(zj, 'zj-scjgj-publisher');
  const created = await fetch(`${zj}/api/catalog/v1/resources`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
    body: JSON.stringify({
      resourceCode,
      classCode: 'B01-01-01-01',
      name,
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
  return id;
}

async function auditVerify(url: string, province: string): Promise<{ ok: boolean; size: number }> {
  const token = await tokenFor(url, `${province}-auditor`);
  const r = await fetch(`${url}/api/audit/v1/verify`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as { ok: boolean; size: number };
}

/** A province's private key is only in its own file (mode 600); what anyone may copy holds none. */
function expectKeysApart(dataDir: string) {
  for (const p of ['sh', 'js', 'zj', 'ah']) {
    const file = join(dataDir, 'keys', `${p}.private.jwk`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('d');
  }
  expect(readFileSync(join(dataDir, 'trust-list.json'), 'utf8')).not.toMatch(/"d":/);
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(secrets).sort()).toEqual(['nats', 'subjectKeys']);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  const dirs: string[] = [];
  const dataDirFor = () => {
    const d = mkdtempSync(join(tmpdir(), 'yrd-demo-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const c of started) {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it(
    'starts, stops cleanly on Ctrl-C (exit 0, no failed shutdown step), and a second start keeps the data',
    async () => {
      const dataDir = dataDirFor();
      // a data folder from before the keys were split out: every province key inside secrets.json
      const old = generateRegionSecrets();
      writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify(old), { mode: 0o600 });
      const first = await startDemo(dataDir, { via: 'npm', env: demoEnv(), onSpawn });
      // split on start: each private key in its own file, the public trust list apart, secrets.json without keys
      expectKeysApart(dataDir);
      for (const p of ['sh', 'js', 'zj', 'ah'] as const) {
        const own = JSON.parse(readFileSync(join(dataDir, 'keys', `${p}.private.jwk`), 'utf8')) as { d: string };
        expect(own.d).toBe((old.keys[p].privateJwk as { d: string }).d);
      }
      expect(Object.keys(first.urls).sort()).toEqual(['ah', 'js', 'sh', 'zj']);
      const zj = first.urls.zj as string;
      const publisher = await tokenFor(zj, 'zj-scjgj-publisher');
      const seeded = await localTotal(zj, publisher, 'zj');
      expect(seeded).toBeGreaterThanOrEqual(8);
      const id = await publishEntry(zj, '330000-SCJG-00777', '重启保留测试条目');

      expect(await interrupt(first)).toBe(0);
      expect(first.output()).toContain('stopped; data kept in');
      expect(first.output()).not.toContain('shutdown step failed');
      // the nats-server went with it and left no pid file
      expect(existsSync(join(dataDir, 'nats', 'nats-server.pid'))).toBe(false);

      const second = await startDemo(dataDir, { via: 'npm', env: demoEnv(), onSpawn });
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
      expect(second.output()).not.toContain('shutdown step failed');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'after kill -9 of the demo process, its nats-server goes too and the next start on the same port keeps the data',
    async () => {
      const dataDir = dataDirFor();
      const natsPort = await freePort();
      const first = await startDemo(dataDir, { via: 'node', env: demoEnv(natsPort), onSpawn });
      const zj = first.urls.zj as string;
      const publisher = await tokenFor(zj, 'zj-scjgj-publisher');
      const seeded = await localTotal(zj, publisher, 'zj');
      const id = await publishEntry(zj, '330000-SCJG-00778', '强杀后保留测试条目');
      const auditBefore = await auditVerify(zj, 'zj');
      expect(auditBefore.ok).toBe(true);
      expectKeysApart(dataDir);
      // the trust anchors are public, and every province serves the same list
      const lists = await Promise.all(
        Object.values(first.urls).map(async (u) => {
          const r = await fetch(`${u}/api/audit/v1/trust-list`);
          expect(r.status).toBe(200);
          return (await r.json()) as { sha256: string; provinces: Record<string, { keys: { jwk: object }[] }> };
        }),
      );
      expect(new Set(lists.map((l) => l.sha256)).size).toBe(1);
      expect(JSON.stringify(lists[0])).not.toMatch(/"d":/);
      const onDisk = JSON.parse(readFileSync(join(dataDir, 'trust-list.json'), 'utf8')) as {
        provinces: Record<string, { keys: { jwk: object }[] }>;
      };
      expect(lists[0]?.provinces.zj?.keys[0]?.jwk).toEqual(onDisk.provinces.zj?.keys[0]?.jwk);
      const natsPid = Number(readFileSync(join(dataDir, 'nats', 'nats-server.pid'), 'utf8'));
      expect(isAlive(natsPid)).toBe(true);

      const killed = exitOf(first);
      process.kill(first.child.pid as number, 'SIGKILL');
      await killed;

      const second = await startDemo(dataDir, { via: 'node', env: demoEnv(natsPort), onSpawn });
      try {
        expect(isAlive(natsPid)).toBe(false);
        expect(second.output()).toContain(`nats://127.0.0.1:${natsPort}`);
        const zj2 = second.urls.zj as string;
        expect(await localTotal(zj2, await tokenFor(zj2, 'zj-scjgj-publisher'), 'zj')).toBe(seeded + 1);
        const again = await fetch(`${zj2}/api/catalog/v1/resources/${id}`, {
          headers: { authorization: `Bearer ${publisher}` },
        });
        expect(again.status).toBe(200);
        const auditAfter = await auditVerify(zj2, 'zj');
        expect(auditAfter.ok).toBe(true);
        expect(auditAfter.size).toBeGreaterThanOrEqual(auditBefore.size);
      } finally {
        expect(await interrupt(second)).toBe(0);
      }
      expect(second.output()).not.toContain('shutdown step failed');
    },
    TEST_TIMEOUT_MS,
  );
});
