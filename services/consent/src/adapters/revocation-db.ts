/** The revocation register's tables (migration 0002), and this province's own revoked grants and consents. */
import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import type {
  HeardRevocation,
  Revocation,
  RevocationCursor,
  RevocationKind,
  RevocationStore,
} from '../app/revocations.js';

const iso = isoTimestamp;

export class RevocationRepo implements RevocationStore {
  constructor(
    private readonly h: DatabaseHandle,
    private readonly province: Province,
  ) {}

  async record(r: HeardRevocation): Promise<boolean> {
    const rows = await this.h.rows<{ id: string }>(sql`
      insert into consent.revocations (id, kind, province, revoked_at, received_at)
      values (${r.id}, ${r.kind}, ${r.province}, ${r.revokedAt}, ${r.receivedAt})
      on conflict (id) do nothing returning id`);
    return rows.length > 0;
  }

  async ids(): Promise<string[]> {
    return (await this.h.rows<{ id: string }>(sql`select id from consent.revocations`)).map((r) => r.id);
  }

  async cursor(issuer: Province): Promise<RevocationCursor | undefined> {
    const rows = await this.h.rows<{ revoked_at: unknown; id: string }>(
      sql`select revoked_at, id from consent.revocation_cursors where province = ${issuer}`,
    );
    const r = rows[0];
    return r ? { revokedAt: iso(r.revoked_at), id: r.id } : undefined;
  }

  async advance(issuer: Province, to: RevocationCursor): Promise<void> {
    await this.h.db.execute(sql`
      insert into consent.revocation_cursors as c (province, revoked_at, id) values (${issuer}, ${to.revokedAt}, ${to.id})
      on conflict (province) do update set revoked_at = excluded.revoked_at, id = excluded.id
      where (excluded.revoked_at, excluded.id) > (c.revoked_at, c.id)`);
  }

  async issuedAfter(after: RevocationCursor | undefined, limit: number): Promise<Revocation[]> {
    const since = after?.revokedAt || '-infinity';
    const rows = await this.h.rows<{ id: string; kind: RevocationKind; revoked_at: unknown }>(sql`
      select id, kind, revoked_at from (
        select id, 'grant' as kind, revoked_at from consent.grants where status = 'revoked'
        union all
        select id, 'consent' as kind, revoked_at from consent.consents where status = 'revoked'
      ) r
      where (revoked_at, id) > (${since}::timestamptz, ${after?.id ?? ''})
      order by revoked_at, id
      limit ${limit}`);
    return rows.map((r) => ({ kind: r.kind, id: r.id, province: this.province, revokedAt: iso(r.revoked_at) }));
  }
}
