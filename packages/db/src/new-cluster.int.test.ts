/**
 * New PGlite clusters start from a dump of an empty one instead of each running initdb: every cluster
 * is still its own, a directory that holds a cluster opens with its data, and a process with no
 * dump makes one from its first new cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type DatabaseHandle, emptyClusterTarball, openDatabase, sql, startClustersFrom } from './index.js';

const dirs: string[] = [];
const handles: DatabaseHandle[] = [];
const track = (h: DatabaseHandle) => {
  handles.push(h);
  return h;
};

afterAll(async () => {
  for (const h of handles) await h.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tables = async (h: DatabaseHandle) =>
  (await h.rows<{ t: string }>(sql`select table_name as t from information_schema.tables where table_schema = 'x'`))
    .map((r) => r.t)
    .sort();

describe('new PGlite clusters', () => {
  it('are each their own, though they start from the same dump, and have pg_trgm', async () => {
    const tarball = await emptyClusterTarball();
    startClustersFrom(tarball);
    // what other processes are handed is the dump this one starts from, not a second initdb
    expect(await emptyClusterTarball()).toBe(tarball);
    const [a, b] = await Promise.all([openDatabase(), openDatabase()]).then((hs) => hs.map(track));
    if (!a || !b) throw new Error('two handles expected');
    await a.db.execute(sql`create schema x`);
    await a.db.execute(sql`create table x.only_in_a (n int)`);
    await b.db.execute(sql`create schema x`);
    await b.db.execute(sql`create table x.only_in_b (n int)`);
    expect(await tables(a)).toEqual(['only_in_a']);
    expect(await tables(b)).toEqual(['only_in_b']);
    for (const h of [a, b]) {
      await h.db.execute(sql`create extension if not exists pg_trgm`);
      const [row] = await h.rows<{ s: number }>(sql`select similarity('长三角数据', '长三角') > 0 as s`);
      expect(row?.s).toBe(true);
    }
  });

  it('start as well from a plain tar, as the test runner hands it out; other processes are handed a gzipped one', async () => {
    const gzipped = await emptyClusterTarball();
    expect([gzipped[0], gzipped[1]]).toEqual([0x1f, 0x8b]);
    const plain = gunzipSync(gzipped);
    // a tar's magic, at offset 257 of its first header
    expect(plain.subarray(257, 262).toString('latin1')).toBe('ustar');
    startClustersFrom(plain);
    const [c, d] = await Promise.all([openDatabase(), openDatabase()]).then((hs) => hs.map(track));
    if (!c || !d) throw new Error('two handles expected');
    await c.db.execute(sql`create schema x`);
    await c.db.execute(sql`create table x.only_in_c (n int)`);
    await d.db.execute(sql`create schema x`);
    expect(await tables(c)).toEqual(['only_in_c']);
    // the dump they started from is as it was: a third cluster has nothing of theirs
    const e = track(await openDatabase());
    await e.db.execute(sql`create schema x`);
    expect(await tables(d)).toEqual([]);
    expect(await tables(e)).toEqual([]);
    const handedOn = await emptyClusterTarball();
    expect(gunzipSync(handedOn).equals(plain)).toBe(true);
    // made once
    expect(await emptyClusterTarball()).toBe(handedOn);
    startClustersFrom(gzipped);
  });

  it('in memory, with 16 MB of shared buffers (PGlite zeroes them at every start); in a directory, the default', async () => {
    const memory = track(await openDatabase());
    const dir = mkdtempSync(join(tmpdir(), 'yrd-db-cluster-'));
    dirs.push(dir);
    const disk = track(await openDatabase({ dataDir: dir }));
    const buffers = async (h: DatabaseHandle) =>
      (await h.rows<{ v: string }>(sql`select current_setting('shared_buffers') as v`))[0]?.v;
    expect(await buffers(memory)).toBe('16MB');
    expect(await buffers(disk)).toBe('128MB');
  });

  it('in a directory: a new one starts from the dump, and one already there opens with its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-db-cluster-'));
    dirs.push(dir);
    const first = await openDatabase({ dataDir: dir });
    await first.db.execute(sql`create table kept (v text)`);
    await first.db.execute(sql`insert into kept values ('长三角')`);
    await first.close();
    const again = track(await openDatabase({ dataDir: dir }));
    expect(await again.rows<{ v: string }>(sql`select v from kept`)).toEqual([{ v: '长三角' }]);
  });

  it('with no dump given, the process makes one from its first new cluster; those opened at once all work', async () => {
    vi.resetModules();
    const fresh = (await import('./index.js')) as typeof import('./index.js');
    const hs = (await Promise.all([fresh.openDatabase(), fresh.openDatabase(), fresh.openDatabase()])).map(track);
    for (const [i, h] of hs.entries()) {
      await h.db.execute(sql`create schema x`);
      await h.db.execute(sql.raw(`create table x.t${i} (n int)`));
    }
    expect(await Promise.all(hs.map(tables))).toEqual([['t0'], ['t1'], ['t2']]);
  });
});
