import { type DatabaseHandle, sql } from '@yrd/db';
import { canonicalJson } from '../domain/canonical.js';

export interface DatasetSeed {
  resourceId: string;
  /** the resource's key items; the record key is the canonical JSON of their values */
  keyItems: string[];
  records: Record<string, string>[];
}

/** The records this province serves, in SQL that PGlite and PostgreSQL both speak. */
export class DatasetRepo {
  constructor(private readonly h: DatabaseHandle) {}

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
  async find(resourceId: string, key: Record<string, string>, limit: number): Promise<Record<string, string>[]> {
    const rows = await this.h.rows<{ fields: Record<string, string> | string }>(sql`
      select fields from exchange.dataset_records
      where resource_id = ${resourceId} and fields @> ${JSON.stringify(key)}::jsonb
      order by record_key
      limit ${limit}`);
    return rows.map((r) =>
      typeof r.fields === 'string' ? (JSON.parse(r.fields) as Record<string, string>) : r.fields,
    );
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
