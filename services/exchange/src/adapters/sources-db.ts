import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import type { SourceStore, StoredSource } from '../app/sources.js';
import type { SourceMethod, SourceSettings } from '../domain/sources.js';

type Row = Record<string, unknown>;

const columns = sql`resource_id, kind, provider_code, url, method, timeout_ms, header_name, secret_ref, max_records,
  updated_by, updated_at`;

function settingsOf(r: Row): SourceSettings {
  if (r.kind !== 'http') return { kind: 'embedded' };
  return {
    kind: 'http',
    url: String(r.url),
    method: r.method as SourceMethod,
    timeoutMs: Number(r.timeout_ms),
    ...(r.header_name ? { headerName: String(r.header_name) } : {}),
    ...(r.secret_ref ? { secretRef: String(r.secret_ref) } : {}),
    maxRecords: Number(r.max_records),
  };
}

const toStored = (r: Row): StoredSource => ({
  resourceId: String(r.resource_id),
  providerCode: String(r.provider_code),
  settings: settingsOf(r),
  updatedBy: String(r.updated_by),
  updatedAt: isoTimestamp(r.updated_at),
});

/** Source configuration of this province, in SQL that PGlite and PostgreSQL both speak. */
export class SourceRepo implements SourceStore {
  constructor(private readonly h: DatabaseHandle) {}

  async get(resourceId: string): Promise<StoredSource | undefined> {
    const rows = await this.h.rows<Row>(sql`select ${columns} from exchange.sources where resource_id = ${resourceId}`);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  async list(providerCode?: string): Promise<StoredSource[]> {
    const rows = await this.h.rows<Row>(
      providerCode === undefined
        ? sql`select ${columns} from exchange.sources order by resource_id`
        : sql`select ${columns} from exchange.sources where provider_code = ${providerCode} order by resource_id`,
    );
    return rows.map(toStored);
  }

  async put(s: StoredSource): Promise<void> {
    const h = s.settings.kind === 'http' ? s.settings : undefined;
    await this.h.rows(sql`
      insert into exchange.sources (${columns})
      values (${s.resourceId}, ${s.settings.kind}, ${s.providerCode}, ${h?.url ?? null}, ${h?.method ?? null},
              ${h?.timeoutMs ?? null}, ${h?.headerName ?? null}, ${h?.secretRef ?? null}, ${h?.maxRecords ?? null},
              ${s.updatedBy}, ${s.updatedAt})
      on conflict (resource_id) do update set
        kind = excluded.kind, provider_code = excluded.provider_code, url = excluded.url, method = excluded.method,
        timeout_ms = excluded.timeout_ms, header_name = excluded.header_name, secret_ref = excluded.secret_ref,
        max_records = excluded.max_records, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
  }

  async remove(resourceId: string): Promise<boolean> {
    const rows = await this.h.rows<Row>(
      sql`delete from exchange.sources where resource_id = ${resourceId} returning resource_id`,
    );
    return rows.length > 0;
  }
}
