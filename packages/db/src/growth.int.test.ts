/**
 * A growing table's statistics follow its size where no autovacuum runs (PGlite): analysed once it
 * gained as many rows as it held when last analysed, off the writer's path, and a failed analyse is
 * reported, not thrown at the writer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, GrowthAnalyzer, migrate, openDatabase, sql } from './index.js';

let h: DatabaseHandle;

beforeAll(async () => {
  h = await openDatabase();
  await h.db.execute(sql`create schema g`);
  await h.db.execute(sql`create table g.t (id int primary key)`);
});
afterAll(async () => {
  await h.close();
});

const add = (from: number, n: number) =>
  h.db.execute(sql`insert into g.t select i from generate_series(${from}::int, ${from + n - 1}::int) i`);
const known = async (table = 'g.t') => {
  const [r] = await h.rows<{ n: number | string }>(
    sql`select reltuples::bigint as n from pg_class where oid = ${table}::regclass`,
  );
  return Number(r?.n);
};

describe('GrowthAnalyzer', () => {
  it('analyses at the first minRows, then each time the table doubled, and not in between', async () => {
    const errors: unknown[] = [];
    const g = new GrowthAnalyzer(h, 'g.t', (err) => errors.push(err), 100);
    await add(0, 60);
    g.grew(60);
    await g.settled();
    // never analysed: PostgreSQL says -1 (unknown)
    expect(await known()).toBeLessThan(1);

    await add(60, 60);
    g.grew(60);
    await g.settled();
    expect(await known()).toBe(120);

    // 100 more is short of the 120 it held: not yet
    await add(120, 100);
    g.grew(100);
    await g.settled();
    expect(await known()).toBe(120);

    await add(220, 30);
    g.grew(30);
    await g.settled();
    expect(await known()).toBe(250);
    expect(errors).toEqual([]);
  });

  it('reports a failed analyse to its caller’s handler and tries again at the next growth', async () => {
    const errors: unknown[] = [];
    const g = new GrowthAnalyzer(h, 'g.missing', (err) => errors.push(err), 10);
    g.grew(10);
    await g.settled();
    expect(errors).toHaveLength(1);
    g.grew(10);
    await g.settled();
    expect(errors).toHaveLength(2);
  });

  it('takes only a schema-qualified table name', () => {
    expect(() => new GrowthAnalyzer(h, 't; drop table g.t', () => {})).toThrow(/not a table name/);
    expect(() => new GrowthAnalyzer(h, 't', () => {})).toThrow(/not a table name/);
  });
});

describe('migrate at a start', () => {
  it('analyses the tables that hold rows but were never analysed, and leaves empty ones alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yrd-migrate-'));
    try {
      writeFileSync(
        join(dir, '0001_tables.sql'),
        'create table m.grown (id int primary key); create table m.empty (id int primary key);',
      );
      expect(await migrate(h, 'm', dir)).toEqual(['0001_tables']);
      // a table that grew in an earlier process, whose analyser never reached its threshold
      await h.db.execute(sql`insert into m.grown select i from generate_series(1, 2000) i`);
      expect(await known('m.grown')).toBeLessThan(0);

      // the next start: nothing to apply, but the planner learns what the table holds
      expect(await migrate(h, 'm', dir)).toEqual([]);
      expect(await known('m.grown')).toBe(2000);
      expect(await known('m.empty')).toBeLessThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
