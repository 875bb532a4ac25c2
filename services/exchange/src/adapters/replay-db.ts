import { type DatabaseHandle, sql } from '@yrd/db';
import { exchangeV1 } from '@yrd/proto';
import type { Begun, ReplayScope, ReplayStore } from '../app/replays.js';

type Exec = { rows: Record<string, unknown>[] };

/**
 * The provider's record of answered request ids (see migrations/0004_served.sql and 0005). A reply
 * is kept as its protobuf encoding; encoding what is read back gives the bytes first sent, so the
 * requester hashes a retry's answer as it hashed the first one.
 */
export class ReplayRepo implements ReplayStore {
  constructor(private readonly h: DatabaseHandle) {}

  async begin(s: ReplayScope, fingerprint: string, claim: string, at: Date, leaseUntil: Date): Promise<Begun> {
    // a new id is claimed; a 'serving' row whose lease ran out (its process died) is taken over
    const claimed = (await this.h.db.execute(sql`
      insert into exchange.served
        (requester_province, requester_agency, request_id, fingerprint, status, claim, created_at, lease_until)
      values (${s.province}, ${s.agency}, ${s.requestId}, ${fingerprint}, 'serving', ${claim},
              ${at.toISOString()}, ${leaseUntil.toISOString()})
      on conflict (requester_province, requester_agency, request_id) do update
        set fingerprint = excluded.fingerprint, claim = excluded.claim,
            created_at = excluded.created_at, lease_until = excluded.lease_until
        where exchange.served.status = 'serving' and exchange.served.lease_until <= excluded.created_at
      returning request_id`)) as unknown as Exec;
    if (claimed.rows.length > 0) return { state: 'new' };
    const rows = await this.h.rows<{ fingerprint: string; status: string; reply: string }>(sql`
      select fingerprint, status, reply from exchange.served
      where requester_province = ${s.province} and requester_agency = ${s.agency} and request_id = ${s.requestId}`);
    const row = rows[0];
    if (!row) return this.begin(s, fingerprint, claim, at, leaseUntil); // abandoned meanwhile
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status !== 'served') return { state: 'in_progress' };
    return { state: 'done', reply: exchangeV1.ExchangeReply.decode(Buffer.from(row.reply, 'base64')) };
  }

  async complete(s: ReplayScope, claim: string, reply: exchangeV1.ExchangeReply): Promise<void> {
    const bytes = exchangeV1.ExchangeReply.encode(reply).finish();
    await this.h.db.execute(sql`
      update exchange.served set status = 'served', reply = ${Buffer.from(bytes).toString('base64')}
      where requester_province = ${s.province} and requester_agency = ${s.agency} and request_id = ${s.requestId}
        and claim = ${claim} and status = 'serving'`);
  }

  async abandon(s: ReplayScope, claim: string): Promise<void> {
    await this.h.db.execute(sql`
      delete from exchange.served
      where requester_province = ${s.province} and requester_agency = ${s.agency} and request_id = ${s.requestId}
        and claim = ${claim} and status = 'serving'`);
  }

  async forgetBefore(at: Date): Promise<number> {
    const res = (await this.h.db.execute(
      sql`delete from exchange.served where created_at < ${at.toISOString()} returning request_id`,
    )) as unknown as Exec;
    return res.rows.length;
  }
}
