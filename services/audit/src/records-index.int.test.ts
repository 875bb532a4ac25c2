/**
 * The records' indexes are the ones the log's reads use: a time range is read on the instant
 * (occurred_ts), and the text the event gave its time as (occurred_at) carries no index that every
 * append would pay for and nothing reads (migrations/0008); nor does the providing province alone,
 * whose one reader, the stall watch, is bounded by time (migrations/0009).
 */
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import { planNodes } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepo } from './adapters/db.js';
import { auditMigrations } from './service.js';

let h: DatabaseHandle;

beforeAll(async () => {
  h = await openDatabase();
  await migrate(h, 'audit', auditMigrations);
  // a log of 5,000 records a minute apart, written as the append writes its lookup columns
  await h.db.execute(sql`
    insert into audit.records (seq, event_id, leaf_hash, fields, occurred_at, occurred_ts)
    select i, 'ev-' || i, md5(i::text), '{}'::jsonb, t, t::timestamptz
      from generate_series(0, 4999) i,
           lateral (select to_char(timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute',
                                   'YYYY-MM-DD"T"HH24:MI:SS"Z"') as t) x`);
  await h.db.execute(sql`analyze audit.records`);
});
afterAll(async () => {
  await h.close();
});

describe('the records’ indexes', () => {
  it('has none on the event’s time as text', async () => {
    const rows = await h.rows<{ indexdef: string }>(
      sql`select indexdef from pg_indexes where schemaname = 'audit' and tablename = 'records'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => /\(occurred_at\)/.test(r.indexdef))).toEqual([]);
  });

  it('has none on the providing province alone; the stall watch finds the oldest exchange with it on the instant', async () => {
    const rows = await h.rows<{ indexdef: string }>(
      sql`select indexdef from pg_indexes where schemaname = 'audit' and tablename = 'records'`,
    );
    expect(rows.filter((r) => /\(provider_province\)/.test(r.indexdef))).toEqual([]);
    // every 10th record from 2026-01-03 an exchange 浙江 served, allowed; every 10th + 5 one it refused
    await h.db.execute(sql`
      update audit.records set provider_province = 'zj', requester_province = 'sh',
        fields = jsonb_build_object('kind', 'exchange.query.served', 'outcome', case when seq % 10 = 0 then 'allow' else 'deny' end)
      where seq >= 2880 and seq % 5 = 0`);
    const repo = new AuditRepo(h, () => {});
    // 2026-01-03T00:00Z is seq 2880; the first allowed after 00:02 is seq 2890, at 00:10
    expect((await repo.oldestExchangeWith('zj', new Date('2026-01-03T00:02:00Z')))?.toISOString()).toBe(
      '2026-01-03T00:10:00.000Z',
    );
    expect(await repo.oldestExchangeWith('ah', new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
    const nodes = await planNodes(
      h,
      sql`select min(occurred_ts) from audit.records
          where (requester_province = 'zj' or provider_province = 'zj')
            and occurred_ts > '2026-01-03T00:02:00Z'::timestamptz
            and fields->>'outcome' = 'allow' and fields->>'kind' like 'exchange.%'`,
    );
    expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toEqual(['records_occurred_ts']);
  });

  it('reads a time range on the instant', async () => {
    const repo = new AuditRepo(h, () => {});
    const from = '2026-01-02T00:00:00Z';
    const to = '2026-01-02T01:00:00Z';
    const found = await repo.find({ from, to, limit: 100 });
    expect(found).toHaveLength(60);
    const nodes = await planNodes(
      h,
      sql`select seq from audit.records where occurred_ts >= ${from}::timestamptz and occurred_ts < ${to}::timestamptz
          order by seq limit 100`,
    );
    expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toContain('records_occurred_ts');
  });
});
