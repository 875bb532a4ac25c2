/**
 * The records' indexes are the ones the log's reads use: a time range is read on the instant
 * (occurred_ts), and the text the event gave its time as (occurred_at) carries no index that every
 * append would pay for and nothing reads (migrations/0008).
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
