import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import { planNodes } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeMigrations } from '../service.js';
import { DatasetRepo, lookupStatement } from './db.js';

/**
 * The provider's data read is on every exchange's path. Batched into one statement, it is easy to
 * write so that the planner walks every record of the resource instead of asking the GIN index on
 * `fields` (that cost 7 ms a lookup at 10,000 records and went unnoticed until a benchmark): this
 * holds the plan, on the same engine the demo runs (PGlite 0.6 is PostgreSQL 19's planner).
 */
const resourceId = 'zj.330000-DSJ-00001';
const records = 10_000;

describe('the batched data read', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openDatabase();
    await migrate(h, 'exchange', exchangeMigrations);
    // synthetic bookings; another resource beside it, as a province serves several
    await h.rows(sql`
      insert into exchange.dataset_records (resource_id, record_key, fields)
      select r, jsonb_build_object('booking_no', 'ZLB-' || lpad(g::text, 6, '0'))::text,
             jsonb_build_object('booking_no', 'ZLB-' || lpad(g::text, 6, '0'), 'venue', '场馆' || (g % 7), 'seat', g::text)
        from generate_series(1, ${records}) g, (values (${resourceId}), ('zj.330000-DSJ-00002')) v(r)`);
    await h.rows(sql`analyze exchange.dataset_records`);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('finds each lookup’s records through the GIN index on fields, not by walking the resource', async () => {
    const batch = Array.from({ length: 8 }, (_, i) => ({
      resourceId,
      key: { booking_no: `ZLB-${String(1 + i * 997).padStart(6, '0')}` },
      limit: 10,
    }));
    const all = await planNodes(h, lookupStatement(batch));
    const onRecords = all.filter((n) => n['Relation Name'] === 'dataset_records' || n['Index Name']);
    expect(onRecords.map((n) => n['Index Name'])).toContain('dataset_records_fields');
    // no walk of the table or of its primary key
    expect(onRecords.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(onRecords.filter((n) => n['Index Name'] && n['Index Name'] !== 'dataset_records_fields')).toEqual([]);
  });

  it('reads a few pages of the index for a lookup after a load, not a pending list of what was loaded', async () => {
    // PGlite runs no autovacuum: with GIN's fast update on, the 20,000 records loaded above would sit
    // in the index's pending list (~150 pages), read whole by every lookup
    const batch = [{ resourceId, key: { booking_no: 'ZLB-004242' }, limit: 10 }];
    const [top] = await planNodes(h, lookupStatement(batch), { analyze: true });
    expect(top?.['Actual Rows']).toBe(1);
    expect(Number(top?.['Shared Hit Blocks']) + Number(top?.['Shared Read Blocks'])).toBeLessThan(20);
  });

  it('answers each lookup with its own records, in record order, a missing key with none', async () => {
    const repo = new DatasetRepo(h);
    const [one, none, other] = await Promise.all([
      repo.find(resourceId, { booking_no: 'ZLB-000042' }, 10),
      repo.find(resourceId, { booking_no: 'ZLB-999999' }, 10),
      repo.find('zj.330000-DSJ-00002', { venue: '场馆3' }, 3),
    ]);
    expect(one).toEqual([{ booking_no: 'ZLB-000042', venue: '场馆0', seat: '42' }]);
    expect(none).toEqual([]);
    expect(other?.map((r) => r.booking_no)).toEqual(['ZLB-000003', 'ZLB-000010', 'ZLB-000017']);
  });
});
