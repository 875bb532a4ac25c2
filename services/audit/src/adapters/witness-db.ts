import { type DatabaseHandle, isoTimestamp, sql } from '@yrd/db';
import type { CosignatureStore, WitnessAlarm, WitnessStore } from '../app/ports.js';
import type { Cosignature, SignedTreeHead, WitnessedHead } from '../domain/index.js';

type Exec = { rows: Record<string, unknown>[] };

/** What this province witnessed of the others, and the co-signatures the others gave its heads. */
export class WitnessRepo implements WitnessStore, CosignatureStore {
  constructor(private readonly h: DatabaseHandle) {}

  async witnessed(province: string): Promise<WitnessedHead | undefined> {
    const rows = await this.h.rows<{ size: string | number; root_hash: string; timestamp: string }>(
      sql`select size, root_hash, timestamp from audit.witnessed where province = ${province}`,
    );
    const r = rows[0];
    return r ? { province, size: Number(r.size), rootHash: r.root_hash, timestamp: r.timestamp } : undefined;
  }

  async allWitnessed(): Promise<(WitnessedHead & { seenAt: string })[]> {
    const rows = await this.h.rows<{
      province: string;
      size: string | number;
      root_hash: string;
      timestamp: string;
      seen_at: unknown;
    }>(sql`select province, size, root_hash, timestamp, seen_at from audit.witnessed order by province`);
    return rows.map((r) => ({
      province: r.province,
      size: Number(r.size),
      rootHash: r.root_hash,
      timestamp: r.timestamp,
      seenAt: isoTimestamp(r.seen_at),
    }));
  }

  async keep(h: WitnessedHead, at: string): Promise<void> {
    await this.h.db.execute(sql`
      insert into audit.witnessed (province, size, root_hash, timestamp, seen_at)
      values (${h.province}, ${h.size}, ${h.rootHash}, ${h.timestamp}, ${at})
      on conflict (province) do update set size = excluded.size, root_hash = excluded.root_hash,
        timestamp = excluded.timestamp, seen_at = excluded.seen_at
      where audit.witnessed.size <= excluded.size`);
  }

  async raise(a: WitnessAlarm): Promise<void> {
    await this.h.db.execute(sql`
      insert into audit.witness_alarms (province, code, message, head, raised_at)
      values (${a.province}, ${a.code}, ${a.message}, ${JSON.stringify(a.head)}::jsonb, ${a.raisedAt})`);
  }

  async alarms(): Promise<WitnessAlarm[]> {
    const rows = await this.h.rows<{
      province: string;
      code: string;
      message: string;
      head: SignedTreeHead | string;
      raised_at: unknown;
    }>(sql`select province, code, message, head, raised_at from audit.witness_alarms order by id`);
    return rows.map((r) => ({
      province: r.province,
      code: r.code,
      message: r.message,
      head: typeof r.head === 'string' ? (JSON.parse(r.head) as SignedTreeHead) : r.head,
      raisedAt: isoTimestamp(r.raised_at),
    }));
  }

  async addCosignature(c: Cosignature, at: string): Promise<boolean> {
    const res = (await this.h.db.execute(sql`
      insert into audit.cosignatures (size, root_hash, head_key_id, head_ts, witness, cosignature, received_at)
      values (${c.size}, ${c.rootHash}, ${c.headKeyId}, ${c.timestamp}, ${c.witness}, ${JSON.stringify(c)}::jsonb, ${at})
      on conflict do nothing returning size`)) as unknown as Exec;
    return res.rows.length > 0;
  }

  async cosignaturesOf(head: { size: number; rootHash: string }): Promise<Cosignature[]> {
    const rows = await this.h.rows<{ cosignature: Cosignature | string }>(
      sql`select cosignature from audit.cosignatures where size = ${head.size} and root_hash = ${head.rootHash}
        order by witness`,
    );
    return rows.map((r) =>
      typeof r.cosignature === 'string' ? (JSON.parse(r.cosignature) as Cosignature) : r.cosignature,
    );
  }
}
