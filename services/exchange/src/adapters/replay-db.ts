import { GroupCommit } from '@yrd/batch';
import { type DatabaseHandle, sql } from '@yrd/db';
import { exchangeV1 } from '@yrd/proto';
import type { Begun, ReplayScope, ReplayStore } from '../app/replays.js';

type Exec = { rows: Record<string, unknown>[] };

interface Claim {
  scope: ReplayScope;
  fingerprint: string;
  claim: string;
  at: Date;
  leaseUntil: Date;
}

interface Completion {
  scope: ReplayScope;
  claim: string;
  reply: exchangeV1.ExchangeReply;
}

/**
 * The provider's record of answered request ids (see migrations/0004_served.sql and 0005). A reply
 * is kept as its protobuf encoding; encoding what is read back gives the bytes first sent, so the
 * requester hashes a retry's answer as it hashed the first one.
 */
export class ReplayRepo implements ReplayStore {
  /** claims of concurrent requests, one statement per batch (group commit) */
  private readonly claims: GroupCommit<Claim, boolean>;
  /** replies kept, one statement per batch */
  private readonly replies: GroupCommit<Completion, undefined>;

  constructor(private readonly h: DatabaseHandle) {
    this.claims = new GroupCommit((batch) => this.claimMany(batch));
    this.replies = new GroupCommit((batch) => this.completeMany(batch));
  }

  async begin(s: ReplayScope, fingerprint: string, claim: string, at: Date, leaseUntil: Date): Promise<Begun> {
    if (await this.claims.submit({ scope: s, fingerprint, claim, at, leaseUntil })) return { state: 'new' };
    const rows = await this.h.rows<{ fingerprint: string; status: string; reply: string }>(sql`
      select fingerprint, status, reply from exchange.served
      where requester_province = ${s.province} and requester_agency = ${s.agency} and request_id = ${s.requestId}`);
    const row = rows[0];
    if (!row) return this.begin(s, fingerprint, claim, at, leaseUntil); // abandoned meanwhile
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status !== 'served') return { state: 'in_progress' };
    return { state: 'done', reply: exchangeV1.ExchangeReply.decode(Buffer.from(row.reply, 'base64')) };
  }

  /**
   * Claims each request id that is new, or whose 'serving' row's lease ran out (its process died):
   * true for each claimed. An id twice in one batch is claimed by its first only (one statement may
   * not touch a row twice); the second is not claimed, and so is told what the first became.
   */
  private async claimMany(batch: Claim[]): Promise<boolean[]> {
    const keyOf = (c: Claim) => JSON.stringify([c.scope.province, c.scope.agency, c.scope.requestId]);
    const firsts = new Map<string, Claim>();
    for (const c of batch) if (!firsts.has(keyOf(c))) firsts.set(keyOf(c), c);
    const rows = JSON.stringify(
      [...firsts.values()].map((c) => ({
        p: c.scope.province,
        a: c.scope.agency,
        r: c.scope.requestId,
        f: c.fingerprint,
        c: c.claim,
        at: c.at.toISOString(),
        until: c.leaseUntil.toISOString(),
      })),
    );
    const claimed = await this.h.rows<{ claim: string }>(sql`
      insert into exchange.served
        (requester_province, requester_agency, request_id, fingerprint, status, claim, created_at, lease_until)
      select t.p, t.a, t.r, t.f, 'serving', t.c, t.at, t.until
        from jsonb_to_recordset(${rows}::jsonb) as t(p text, a text, r text, f text, c text, at timestamptz, until timestamptz)
      on conflict (requester_province, requester_agency, request_id) do update
        set fingerprint = excluded.fingerprint, claim = excluded.claim,
            created_at = excluded.created_at, lease_until = excluded.lease_until
        where exchange.served.status = 'serving' and exchange.served.lease_until <= excluded.created_at
      returning claim`);
    const won = new Set(claimed.map((r) => r.claim));
    return batch.map((c) => firsts.get(keyOf(c)) === c && won.has(c.claim));
  }

  async complete(s: ReplayScope, claim: string, reply: exchangeV1.ExchangeReply): Promise<void> {
    await this.replies.submit({ scope: s, claim, reply });
  }

  /** Stores each reply whose claim still holds its request. */
  private async completeMany(batch: Completion[]): Promise<undefined[]> {
    const rows = JSON.stringify(
      batch.map((c) => ({
        p: c.scope.province,
        a: c.scope.agency,
        r: c.scope.requestId,
        c: c.claim,
        reply: Buffer.from(exchangeV1.ExchangeReply.encode(c.reply).finish()).toString('base64'),
      })),
    );
    await this.h.db.execute(sql`
      update exchange.served s set status = 'served', reply = t.reply
        from jsonb_to_recordset(${rows}::jsonb) as t(p text, a text, r text, c text, reply text)
       where s.requester_province = t.p and s.requester_agency = t.a and s.request_id = t.r
         and s.claim = t.c and s.status = 'serving'`);
    return batch.map(() => undefined);
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
