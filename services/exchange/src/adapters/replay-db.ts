import { type DatabaseHandle, sql } from '@yrd/db';
import type { Begun, ReplayStore } from '../app/replays.js';

type Exec = { rows: Record<string, unknown>[] };

/** The provider's record of answered request ids (see migrations/0004_served.sql). */
export class ReplayRepo implements ReplayStore {
  constructor(private readonly h: DatabaseHandle) {}

  async begin(requester: string, requestId: string, fingerprint: string, at: Date): Promise<Begun> {
    const claimed = (await this.h.db.execute(sql`
      insert into exchange.served (requester_province, request_id, fingerprint, status, created_at)
      values (${requester}, ${requestId}, ${fingerprint}, 'serving', ${at.toISOString()})
      on conflict do nothing returning request_id`)) as unknown as Exec;
    if (claimed.rows.length > 0) return { state: 'new' };
    const rows = await this.h.rows<{ fingerprint: string; status: string; reply: string }>(sql`
      select fingerprint, status, reply from exchange.served
      where requester_province = ${requester} and request_id = ${requestId}`);
    const row = rows[0];
    if (!row) return this.begin(requester, requestId, fingerprint, at); // abandoned meanwhile
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status !== 'served') return { state: 'in_progress' };
    return { state: 'done', reply: new Uint8Array(Buffer.from(row.reply, 'base64')) };
  }

  async complete(requester: string, requestId: string, reply: Uint8Array): Promise<void> {
    await this.h.db.execute(sql`
      update exchange.served set status = 'served', reply = ${Buffer.from(reply).toString('base64')}
      where requester_province = ${requester} and request_id = ${requestId}`);
  }

  async abandon(requester: string, requestId: string): Promise<void> {
    await this.h.db.execute(sql`
      delete from exchange.served
      where requester_province = ${requester} and request_id = ${requestId} and status = 'serving'`);
  }

  async forgetBefore(at: Date): Promise<number> {
    const res = (await this.h.db.execute(
      sql`delete from exchange.served where created_at < ${at.toISOString()} returning request_id`,
    )) as unknown as Exec;
    return res.rows.length;
  }
}
