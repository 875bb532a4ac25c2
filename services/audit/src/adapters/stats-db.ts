/**
 * The overview's aggregates over audit.records: counted by the database over the window's range of
 * `occurred_ts` (indexed), grouped into time buckets with date_bin, so no record is loaded here and
 * the answer is at most buckets × pairs × outcomes rows.
 */
import { type DatabaseHandle, isoTimestamp, type SQL, sql } from '@yrd/db';
import type { Province } from '@yrd/region';
import {
  bucketOrigin,
  bucketRules,
  type PairCount,
  type RefusalCount,
  type StatsQueries,
  type StatsWindow,
} from '../app/exchange-stats.js';

/** The steps this province saw as the requester, and as the provider (see app/exchange-stats.ts). */
const askedKinds = ['exchange.query.requested', 'exchange.verify.requested', 'exchange.subscribe.requested'];
const servedKinds = ['exchange.query.served', 'exchange.verify.served', 'exchange.subscribe.created'];

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

/** The records that each count one exchange, in the window. */
function exchangesOf(province: Province, w: StatsWindow): SQL {
  return sql`occurred_ts >= ${w.from.toISOString()}::timestamptz and occurred_ts < ${w.to.toISOString()}::timestamptz
    and ((requester_province = ${province} and fields->>'kind' in (${list(askedKinds)}))
      or (provider_province = ${province} and requester_province <> ${province} and fields->>'kind' in (${list(servedKinds)})))`;
}

export class StatsRepo implements StatsQueries {
  constructor(private readonly h: DatabaseHandle) {}

  async pairCounts(province: Province, w: StatsWindow): Promise<PairCount[]> {
    const seconds = bucketRules[w.bucket].ms / 1000;
    const rows = await this.h.rows<{
      at: unknown;
      requester: string;
      provider: string;
      outcome: string;
      n: unknown;
    }>(sql`
      select date_bin(${`${seconds} seconds`}::interval, occurred_ts, ${bucketOrigin}::timestamptz) as at,
        requester_province as requester, provider_province as provider, fields->>'outcome' as outcome, count(*) as n
      from audit.records
      where ${exchangesOf(province, w)}
      group by 1, 2, 3, 4`);
    return rows.map((r) => ({
      at: new Date(isoTimestamp(r.at)),
      requester: r.requester,
      provider: r.provider,
      outcome: r.outcome ?? '',
      n: Number(r.n),
    }));
  }

  async refusalCounts(province: Province, w: StatsWindow, limit: number): Promise<RefusalCount[]> {
    const rows = await this.h.rows<{ code: string | null; outcome: string; n: unknown }>(sql`
      select fields->>'code' as code, fields->>'outcome' as outcome, count(*) as n
      from audit.records
      where ${exchangesOf(province, w)} and fields->>'outcome' in ('deny', 'error')
      group by 1, 2
      order by 3 desc, 1
      limit ${limit}`);
    return rows.map((r) => ({ code: r.code ?? '', outcome: r.outcome, n: Number(r.n) }));
  }
}
