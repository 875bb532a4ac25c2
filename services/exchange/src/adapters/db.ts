import { GroupCommit } from '@yrd/batch';
import { type DatabaseHandle, type SQL, sql } from '@yrd/db';
import { canonicalJson } from '../domain/canonical.js';

export interface DatasetSeed {
  resourceId: string;
  /** the resource's key items; the record key is the canonical JSON of their values */
  keyItems: string[];
  records: Record<string, string>[];
}

export interface Lookup {
  resourceId: string;
  key: Record<string, string>;
  limit: number;
}

type Fields = Record<string, string>;

/** The records this province serves, in SQL that PGlite and PostgreSQL both speak. */
export class DatasetRepo {
  /** the lookups of concurrent exchanges, one statement per batch (group commit) */
  private readonly lookups: GroupCommit<Lookup, Fields[]>;

  constructor(private readonly h: DatabaseHandle) {
    this.lookups = new GroupCommit((batch) => this.findMany(batch));
  }

  async count(): Promise<number> {
    const rows = await this.h.rows<{ n: number }>(sql`select count(*)::int as n from exchange.dataset_records`);
    return rows[0]?.n ?? 0;
  }

  async hasResource(resourceId: string): Promise<boolean> {
    const rows = await this.h.rows<{ one: number }>(
      sql`select 1 as one from exchange.dataset_records where resource_id = ${resourceId} limit 1`,
    );
    return rows.length > 0;
  }

  /** Records whose fields contain every key field with exactly that value. */
  find(resourceId: string, key: Record<string, string>, limit: number): Promise<Fields[]> {
    return this.lookups.submit({ resourceId, key, limit });
  }

  private async findMany(batch: Lookup[]): Promise<Fields[][]> {
    const rows = await this.h.rows<{ i: number; fields: Fields | string }>(lookupStatement(batch));
    const out: Fields[][] = batch.map(() => []);
    for (const r of rows) {
      out[Number(r.i)]?.push(typeof r.fields === 'string' ? (JSON.parse(r.fields) as Fields) : r.fields);
    }
    return out;
  }

  /** Loads seed datasets once: nothing happens when the table already holds records. */
  async seed(datasets: DatasetSeed[]): Promise<number> {
    if ((await this.count()) > 0) return 0;
    let n = 0;
    await this.h.db.transaction(async (tx) => {
      for (const d of datasets) {
        for (const r of d.records) {
          const keyValues: Record<string, string> = {};
          for (const k of d.keyItems) keyValues[k] = r[k] ?? '';
          await tx.execute(sql`
            insert into exchange.dataset_records (resource_id, record_key, fields)
            values (${d.resourceId}, ${canonicalJson(keyValues)}, ${JSON.stringify(r)}::jsonb)
            on conflict (resource_id, record_key) do update set fields = excluded.fields`);
          n++;
        }
      }
      await tx.execute(sql`
        insert into exchange.meta (key, value) values ('seeded_at', ${new Date().toISOString()})
        on conflict (key) do update set value = excluded.value`);
    });
    return n;
  }
}

/**
 * Each lookup's records, as `find` would read them one by one, in one statement. "offset 0" plans
 * each match on its own: the GIN index on fields finds the few records with the key, then they are
 * ordered; without it the planner walks the primary key in record_key order and tests every record
 * of the resource (7 ms a lookup at 10,000 records, not 0.1) — db-plan.int.test.ts holds the planner
 * to it. No comment inside the statement: a refused statement is logged by its first 300 characters,
 * which should name the table.
 */
export function lookupStatement(batch: readonly Lookup[]): SQL {
  const lookups = JSON.stringify(batch.map((l, i) => ({ i, r: l.resourceId, key: l.key, n: l.limit })));
  return sql`
      select k.i, d.fields
        from jsonb_to_recordset(${lookups}::jsonb) as k(i int, r text, key jsonb, n int)
        cross join lateral (
          select m.fields, m.record_key from (
            select fields, record_key from exchange.dataset_records
             where resource_id = k.r and fields @> k.key
            offset 0) m
           order by m.record_key
           limit k.n) d
       order by k.i, d.record_key`;
}
