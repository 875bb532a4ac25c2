import { type DatabaseHandle, GrowthAnalyzer, isoTimestamp, type SQL, sql } from '@yrd/db';
import type { Logger } from '@yrd/logger';
import type { feedV1 } from '@yrd/proto';
import { isProvince, type Province } from '@yrd/region';
import type {
  PublishedEvents,
  ReceivedPage,
  ReceiveOutcome,
  Subscription,
  SubscriptionSide,
  SubscriptionStore,
} from '../app/subscriptions.js';
import { isSubscriptionStatus, receives, type SubscriptionStatus } from '../domain/subscription.js';

type Exec = { rows: Record<string, unknown>[] };

interface Row {
  side: string;
  id: string;
  resource_id: string;
  provider_province: string;
  requester_province: string;
  requester_agency: string;
  requester_user: string;
  requester_roles: unknown;
  requester_kind: string;
  purpose: string;
  grant_id: string;
  items: unknown;
  granted_items: unknown;
  masking: unknown;
  status: string;
  end_code: string;
  end_reason: string;
  ended_at: unknown;
  end_pending: boolean;
  created_at: unknown;
}

/**
 * A timestamptz column as ISO 8601 in UTC to the millisecond, as `isoTimestamp` makes it, but
 * formatted by the database: a page of events reads two per event. Null is ''.
 */
const iso = (column: SQL) => sql`coalesce(to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '')`;

/** jsonb comes back parsed from both drivers, but a string from some paths: read either. */
function json<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as T;
    } catch {
      return fallback;
    }
  }
  return v as T;
}

function province(v: string): Province {
  if (!isProvince(v)) throw new Error(`stored subscription names an unknown province ${v}`);
  return v;
}

function status(v: string): SubscriptionStatus {
  if (!isSubscriptionStatus(v)) throw new Error(`stored subscription has an unknown status ${v}`);
  return v;
}

function toSubscription(r: Row): Subscription {
  return {
    side: r.side === 'provider' ? 'provider' : 'requester',
    id: r.id,
    resourceId: r.resource_id,
    providerProvince: province(r.provider_province),
    requesterProvince: province(r.requester_province),
    requester: {
      userId: r.requester_user,
      agency: r.requester_agency,
      roles: json<string[]>(r.requester_roles, []),
      kind: r.requester_kind,
    },
    purpose: r.purpose,
    grantId: r.grant_id,
    items: json<string[]>(r.items, []),
    grantedItems: json<string[]>(r.granted_items, []),
    masking: json<Record<string, string>>(r.masking, {}),
    status: status(r.status),
    endCode: r.end_code,
    endReason: r.end_reason,
    endedAt: isoTimestamp(r.ended_at),
    endPending: r.end_pending === true,
    createdAt: isoTimestamp(r.created_at),
  };
}

/** Both sides' subscriptions and the requester's received events (migrations/0002_subscriptions.sql). */
export class SubscriptionRepo implements SubscriptionStore {
  /**
   * The received events' statistics follow their growth: without them a page after a cursor was
   * planned as a scan of every event past the cursor and a sort (77 ms a page of 1,000 with 50,000
   * behind the cursor, against 1.6 ms), so reading a backlog cost its square.
   */
  private readonly received: GrowthAnalyzer;

  constructor(
    private readonly h: DatabaseHandle,
    logger?: Logger,
  ) {
    this.received = new GrowthAnalyzer(h, 'exchange.subscription_events', (err) =>
      logger?.warn({ err }, 'subscription_events not analyzed'),
    );
  }

  async insert(s: Subscription): Promise<boolean> {
    const res = (await this.h.db.execute(sql`
      insert into exchange.subscriptions (side, id, resource_id, provider_province, requester_province,
        requester_agency, requester_user, requester_roles, requester_kind, purpose, grant_id, items,
        granted_items, masking, status, end_code, end_reason, ended_at, end_pending, created_at)
      values (${s.side}, ${s.id}, ${s.resourceId}, ${s.providerProvince}, ${s.requesterProvince},
        ${s.requester.agency}, ${s.requester.userId}, ${JSON.stringify(s.requester.roles)}::jsonb,
        ${s.requester.kind}, ${s.purpose}, ${s.grantId}, ${JSON.stringify(s.items)}::jsonb,
        ${JSON.stringify(s.grantedItems)}::jsonb, ${JSON.stringify(s.masking)}::jsonb, ${s.status},
        ${s.endCode}, ${s.endReason}, ${s.endedAt || null}, ${s.endPending}, ${s.createdAt})
      on conflict do nothing returning id`)) as unknown as Exec;
    return res.rows.length > 0;
  }

  async get(side: SubscriptionSide, id: string): Promise<Subscription | undefined> {
    const rows = await this.h.rows<Row>(sql`select * from exchange.subscriptions where side = ${side} and id = ${id}`);
    return rows[0] ? toSubscription(rows[0]) : undefined;
  }

  async withStatus(side: SubscriptionSide, s: SubscriptionStatus): Promise<Subscription[]> {
    const rows = await this.h.rows<Row>(
      sql`select * from exchange.subscriptions where side = ${side} and status = ${s} order by created_at, id`,
    );
    return rows.map(toSubscription);
  }

  async endPending(): Promise<Subscription[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from exchange.subscriptions
      where side = 'provider' and status = 'ended' and end_pending order by ended_at, id`);
    return rows.map(toSubscription);
  }

  async ofAgency(requester: Province, agency: string, limit: number): Promise<Subscription[]> {
    const rows = await this.h.rows<Row>(sql`
      select * from exchange.subscriptions
      where side = 'requester' and requester_province = ${requester} and requester_agency = ${agency}
      order by created_at desc, id limit ${limit}`);
    return rows.map(toSubscription);
  }

  async activate(
    id: string,
    d: { grantedItems: string[]; masking: Record<string, string>; grantId: string },
  ): Promise<boolean> {
    const res = (await this.h.db.execute(sql`
      update exchange.subscriptions
      set status = 'active', granted_items = ${JSON.stringify(d.grantedItems)}::jsonb,
          masking = ${JSON.stringify(d.masking)}::jsonb, grant_id = ${d.grantId}
      where side = 'requester' and id = ${id} and status <> 'ended' returning id`)) as unknown as Exec;
    return res.rows.length > 0;
  }

  async end(
    side: SubscriptionSide,
    id: string,
    e: { code: string; reason: string; at: string; pending: boolean },
  ): Promise<boolean> {
    const res = (await this.h.db.execute(sql`
      update exchange.subscriptions
      set status = 'ended', end_code = ${e.code}, end_reason = ${e.reason}, ended_at = ${e.at},
          end_pending = ${e.pending}
      where side = ${side} and id = ${id} and status <> 'ended' returning id`)) as unknown as Exec;
    return res.rows.length > 0;
  }

  async endSettled(id: string): Promise<void> {
    await this.h.db.execute(
      sql`update exchange.subscriptions set end_pending = false where side = 'provider' and id = ${id}`,
    );
  }

  async remove(side: SubscriptionSide, id: string): Promise<void> {
    await this.h.db.execute(sql`delete from exchange.subscriptions where side = ${side} and id = ${id}`);
  }

  async receive(
    id: string,
    events: readonly feedV1.FeedEvent[],
    at: string,
    within: (outcome: { stored: number; duplicates: number }) => Promise<void>,
  ): Promise<ReceiveOutcome> {
    // the batch as four parameters, one statement whatever the batch size: the ids, sequences and
    // times as arrays, the fields as one JSON array. Each event's fields are stored as the JSON text
    // they are read back as (migrations/0006): `json` (not jsonb) keeps each element's text as it
    // came. (One JSON document of records, read by json_to_recordset, cost PostgreSQL ~11 µs a row
    // against ~6 µs this way: bench/RESULTS.md, twelfth pass.)
    const ids = events.map((e) => e.eventId);
    const seqs = events.map((e) => e.providerSeq);
    const times = events.map((e) => e.publishedAt);
    const fields = JSON.stringify(events.map((e) => e.fields));
    const out = await this.h.db.transaction(async (tx) => {
      // the lock orders this subscription's batches: seq order is commit order for its readers
      const locked = (await tx.execute(sql`
        select status from exchange.subscriptions where side = 'requester' and id = ${id} for update`)) as unknown as {
        rows: { status: string }[];
      };
      const row = locked.rows[0];
      if (!row) return { kind: 'unknown' } as const;
      if (!isSubscriptionStatus(row.status) || !receives(row.status)) return { kind: 'ended' } as const;
      let inserted: Exec;
      try {
        // one statement for the batch, in batch order (seq follows it)
        inserted = (await tx.execute(sql`
          insert into exchange.subscription_events
            (subscription_id, event_id, provider_seq, fields, published_at, received_at)
          select ${id}, e.id, e.seq, e.fields::text, nullif(e.at, '')::timestamptz, ${at}
          from rows from (unnest(${sql.param(ids)}::text[]), unnest(${sql.param(seqs)}::bigint[]),
                          json_array_elements(${fields}::json), unnest(${sql.param(times)}::text[]))
               with ordinality as e(id, seq, fields, at, i)
          order by e.i
          on conflict (subscription_id, event_id) do nothing
          returning event_id`)) as unknown as Exec;
      } catch (err) {
        // the driver's error carries the statement's parameters, i.e. the records: keep them out of logs
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : 'unknown';
        throw new Error(`received events could not be stored: ${cause}`);
      }
      const outcome = { stored: inserted.rows.length, duplicates: events.length - inserted.rows.length };
      // a delivery proves the provider holds the subscription, whatever became of its answer
      await tx.execute(
        sql`update exchange.subscriptions set status = 'active' where side = 'requester' and id = ${id} and status = 'pending'`,
      );
      await within(outcome);
      return { kind: 'stored', ...outcome } as const;
    });
    if (out.kind === 'stored') this.received.grew(out.stored);
    return out;
  }

  /**
   * A page written by the database as its readers get it (`ReceivedPage`): each event's fields are
   * stored as JSON object text (`receive` takes them out of a JSON array, and migration 0006 kept the
   * jsonb's text), so they go into the page as they are, and Node neither parses nor serialises a
   * page. A page of 1,000 events cost Node ~8 ms as rows made into objects and stringified, and ~3 ms
   * as this text; PostgreSQL ~3.0 ms against ~3.7 (bench/RESULTS.md, fifteenth pass).
   */
  async events(id: string, after: number, limit: number): Promise<ReceivedPage> {
    const rows = await this.h.rows<{ json: string; last: string | number | null }>(sql`
      select '[' || coalesce(string_agg(
               '{"cursor":"' || seq::text || '","id":' || to_json(event_id)::text || ',"fields":' || fields
                 || ',"publishedAt":"' || ${iso(sql`published_at`)} || '","receivedAt":"' || ${iso(sql`received_at`)}
                 || '"}',
               ',' order by seq), '') || ']' as json,
             max(seq) as last
      from (select seq, event_id, fields, published_at, received_at
            from exchange.subscription_events
            where subscription_id = ${id} and seq > ${after}
            order by seq limit ${limit}) e`);
    const row = rows[0];
    return {
      json: row?.json ?? '[]',
      last: row?.last === null || row?.last === undefined ? undefined : String(row.last),
    };
  }
}

/** `<resource id>/<event id>`: neither holds a slash (domain/subscription.ts, @yrd/region) */
const eventKey = (resourceId: string, eventId: string) => `${resourceId}/${eventId}`;

/**
 * The provider's published event ids (migrations/0007_feed_published.sql), kept as long as its feed
 * stream keeps events. The table is analyzed as it grows (at 500 rows, then each time it doubled):
 * PGlite runs no autovacuum, and a table the planner knows nothing of is scanned whole for every
 * lookup instead of probed in its key.
 */
export class PublishedEventRepo implements PublishedEvents {
  private readonly growth: GrowthAnalyzer;

  constructor(
    private readonly h: DatabaseHandle,
    private readonly retentionDays: number,
    logger?: Logger,
  ) {
    this.growth = new GrowthAnalyzer(h, 'exchange.feed_published', (err) =>
      logger?.warn({ err }, 'feed_published not analyzed'),
    );
  }

  async known(resourceId: string, ids: readonly string[]): Promise<ReadonlySet<string>> {
    const keys = ids.map((id) => eventKey(resourceId, id));
    const rows = await this.h.rows<{ event_key: string }>(sql`
      select event_key from exchange.feed_published where event_key = any(${sql.param(keys)}::text[])`);
    return this.idsOf(resourceId, rows);
  }

  async record(resourceId: string, ids: readonly string[], at: string): Promise<ReadonlySet<string>> {
    const keys = ids.map((id) => eventKey(resourceId, id));
    const rows = await this.h.rows<{ event_key: string }>(sql`
      insert into exchange.feed_published (event_key, published_at)
      select k, ${at}::timestamptz from unnest(${sql.param(keys)}::text[]) as e(k)
      on conflict do nothing
      returning event_key`);
    this.growth.grew(rows.length);
    return this.idsOf(resourceId, rows);
  }

  async prune(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.retentionDays * 86_400_000).toISOString();
    const rows = await this.h.rows<{ n: number | string }>(sql`
      with gone as (delete from exchange.feed_published where published_at < ${before}::timestamptz returning 1)
      select count(*)::int as n from gone`);
    return Number(rows[0]?.n ?? 0);
  }

  private idsOf(resourceId: string, rows: readonly { event_key: string }[]): ReadonlySet<string> {
    const prefix = resourceId.length + 1;
    return new Set(rows.map((r) => r.event_key.slice(prefix)));
  }
}
