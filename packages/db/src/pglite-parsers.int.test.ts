/**
 * drizzle's per-statement parsers are set once on the PGlite instance instead: the statements it
 * runs reach PGlite without them, and give the same values as before.
 */
import { PGlite, type QueryOptions, type Transaction } from '@electric-sql/pglite';
import { NoopCache } from 'drizzle-orm/cache/core';
import { NoopLogger } from 'drizzle-orm/logger';
import { drizzle, PglitePreparedQuery } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './index.js';
import { DRIZZLE_TEXT_TYPES, forDrizzle, withDrizzleParsers } from './pglite-parsers.js';

let pg: PGlite;
beforeAll(async () => {
  pg = withDrizzleParsers(await PGlite.create());
});
afterAll(() => pg.close());

const VALUES = sql`select
  timestamp '2026-10-01 10:00:00.5' as ts,
  timestamptz '2026-10-01 10:00:00+08' as tstz,
  interval '1 day 02:03:04' as iv,
  date '2026-10-01' as d,
  array[1.5, 2]::numeric[] as nums,
  array[timestamp '2026-10-01 10:00:00']::timestamp[] as tss,
  array[timestamptz '2026-10-01 10:00:00Z']::timestamptz[] as tstzs,
  array[interval '1 hour']::interval[] as ivs,
  array[date '2026-10-01']::date[] as ds,
  1::int as n, 'x'::text as t`;

describe("drizzle's parsers on the instance", () => {
  it('are the ones drizzle passes with each statement, and each gives back its input', () => {
    const q = new PglitePreparedQuery(
      pg,
      'select 1',
      [],
      new NoopLogger(),
      new NoopCache(),
      undefined,
      undefined,
      undefined,
      undefined,
      false,
    );
    // private in drizzle's types: read as what they are at run time
    const { queryConfig, rawQueryConfig } = q as unknown as Record<'queryConfig' | 'rawQueryConfig', QueryOptions>;
    for (const config of [queryConfig, rawQueryConfig]) {
      const parsers = config.parsers ?? {};
      expect(Object.keys(parsers).map(Number).sort()).toEqual([...DRIZZLE_TEXT_TYPES].sort());
      for (const parse of Object.values(parsers) as ((v: string, t: number) => unknown)[])
        expect(parse('2026-10-01 10:00:00', 0)).toBe('2026-10-01 10:00:00');
    }
  });

  it('give the same rows as drizzle on a PGlite without them, outside and inside a transaction', async () => {
    const plain = await PGlite.create();
    try {
      const before = await drizzle(plain).execute(VALUES);
      const db = drizzle(forDrizzle(pg));
      expect((await db.execute(VALUES)).rows).toEqual(before.rows);
      expect(await db.transaction(async (tx) => (await tx.execute(VALUES)).rows)).toEqual(before.rows);
      expect(before.rows[0]).toMatchObject({ ts: '2026-10-01 10:00:00.5', d: '2026-10-01', n: 1, t: 'x' });
    } finally {
      await plain.close();
    }
  });

  it('statements reach PGlite with their row mode and without parsers', async () => {
    const seen: (QueryOptions | undefined)[] = [];
    const record = <C extends Pick<Transaction, 'query'>>(c: C): Pick<Transaction, 'query'> => ({
      query: (text, params, options) => {
        seen.push(options);
        return c.query(text, params, options);
      },
    });
    const recording = {
      ...record(pg),
      transaction: <T>(cb: (tx: Transaction) => Promise<T>) =>
        pg.transaction((tx) => cb(Object.assign(Object.create(tx), record(tx)))),
    } as unknown as PGlite;
    const db = drizzle(forDrizzle(recording));
    await db.execute(VALUES);
    await db.transaction((tx) => tx.execute(sql`select 1`));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const options of seen) expect(options?.parsers).toBeUndefined();
    expect(seen.some((o) => o?.rowMode === 'object')).toBe(true);
  });
});
