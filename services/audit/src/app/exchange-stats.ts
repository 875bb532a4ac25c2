/**
 * 一网统管 overview of the exchanges, from this province's audit trail: how many exchanges went
 * between which provinces in each hour or day of a window, how many were refused and why, and how long
 * they took. The counting is done by the database (adapters/stats-db.ts, aggregates over a bounded
 * window); this use case fixes the window, lays the counts out per time bucket and adds the latency.
 *
 * Each exchange is counted once, from the side this province saw: its own requests as the requester
 * (`exchange.<mode>.requested`, refused or answered), and the requests of other provinces it served as
 * the provider (`exchange.<mode>.served`, `exchange.subscribe.created`). A request between two
 * agencies of this province is in the log twice (asked and served) and counted as asked only.
 *
 * Latency is not in the trail: a record is stamped once, when the step's outcome is known, and
 * carries no duration. It comes from the exchange service's own Prometheus histograms instead
 * (adapters/exchange-latency.ts), which cover the time since that service started, not the window.
 */
import { invalid } from '@yrd/errors';
import type { Province } from '@yrd/region';

export const statsBuckets = ['hour', 'day'] as const;
export type StatsBucket = (typeof statsBuckets)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long a bucket is, and the longest window that may be asked in buckets of it. */
export const bucketRules: Record<StatsBucket, { ms: number; maxWindowMs: number; defaultWindowMs: number }> = {
  hour: { ms: HOUR, maxWindowMs: 7 * DAY, defaultWindowMs: DAY },
  day: { ms: DAY, maxWindowMs: 92 * DAY, defaultWindowMs: 7 * DAY },
};

/**
 * Buckets start on Beijing time (UTC+8) boundaries: a day is a day in the Yangtze River Delta, not in
 * Greenwich. (Hours are the same either way.)
 */
export const bucketOrigin = '2000-01-01T00:00:00+08:00';
const originMs = Date.parse(bucketOrigin);

/** The start of the bucket `at` falls in. */
export function bucketStart(at: number, bucket: StatsBucket): number {
  const { ms } = bucketRules[bucket];
  return originMs + Math.floor((at - originMs) / ms) * ms;
}

export interface StatsWindow {
  from: Date;
  to: Date;
  bucket: StatsBucket;
}

/**
 * The window asked for, checked: `to` defaults to now, `from` to a day (hourly) or a week (daily)
 * before `to`; `from` before `to`, and no longer than the bucket allows (168 hours, 92 days), so an
 * answer is always a bounded number of buckets over a bounded range of the log.
 */
export function statsWindow(q: { from?: string; to?: string; bucket: StatsBucket }, now: Date): StatsWindow {
  const rule = bucketRules[q.bucket];
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - rule.defaultWindowMs);
  if (from.getTime() >= to.getTime())
    throw invalid('AUDIT.STATS_WINDOW_INVALID', '起始时间须早于结束时间 from must be before to');
  if (to.getTime() - from.getTime() > rule.maxWindowMs) {
    const days = rule.maxWindowMs / DAY;
    throw invalid(
      'AUDIT.STATS_WINDOW_TOO_LONG',
      `按${q.bucket === 'hour' ? '小时' : '天'}统计时时间范围最长 ${days} 天 with ${q.bucket === 'hour' ? 'hourly' : 'daily'} buckets the window may be at most ${days} days`,
    );
  }
  return { from, to, bucket: q.bucket };
}

/** The starts of the buckets covering [from, to), oldest first. */
export function bucketStarts(w: StatsWindow): number[] {
  const { ms } = bucketRules[w.bucket];
  const out: number[] = [];
  for (let t = bucketStart(w.from.getTime(), w.bucket); t < w.to.getTime(); t += ms) out.push(t);
  return out;
}

/** One row of the database's aggregate: exchanges of one pair, bucket and outcome. */
export interface PairCount {
  /** bucket start */
  at: Date;
  requester: string;
  provider: string;
  outcome: string;
  n: number;
}

export interface RefusalCount {
  code: string;
  outcome: string;
  n: number;
}

/** The aggregates the database computes (adapters/stats-db.ts). */
export interface StatsQueries {
  pairCounts(province: Province, w: StatsWindow): Promise<PairCount[]>;
  refusalCounts(province: Province, w: StatsWindow, limit: number): Promise<RefusalCount[]>;
}

export interface LatencyFigure {
  /** query, verify (asked by this province, as its agencies wait for them) or served (for others) */
  operation: 'query' | 'verify' | 'served';
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface LatencyReport {
  /** where the figures come from; `unavailable` with no figures when that source could not be read */
  source: 'exchange-metrics' | 'unavailable';
  /** the figures cover the time since the exchange service started, not the window */
  since: 'service-start';
  operations: LatencyFigure[];
}

/** Where latency comes from (adapters/exchange-latency.ts): never throws, says `unavailable`. */
export interface LatencySource {
  latency(): Promise<LatencyReport>;
}

export const unavailableLatency: LatencyReport = { source: 'unavailable', since: 'service-start', operations: [] };

export interface PairSeries {
  requester: string;
  provider: string;
  total: number;
  allowed: number;
  refused: number;
  /** exchanges (any outcome) per bucket, aligned with `buckets` */
  series: number[];
  /** refused (deny or error) per bucket, aligned with `buckets` */
  refusedSeries: number[];
}

export interface ExchangeStatsReport {
  province: Province;
  from: string;
  to: string;
  bucket: StatsBucket;
  /** bucket starts, ISO instants */
  buckets: string[];
  totals: { exchanges: number; allowed: number; refused: number };
  pairs: PairSeries[];
  refusals: RefusalCount[];
  latency: LatencyReport;
}

/** The most refusal codes listed; the rest are few and rare. */
export const MAX_REFUSAL_CODES = 30;

const refusedOutcomes = new Set(['deny', 'error']);

/** Lays the database's counts out per pair and bucket (pure: the use case's arithmetic, tested alone). */
export function layOut(starts: number[], rows: PairCount[]): Pick<ExchangeStatsReport, 'totals' | 'pairs'> {
  const index = new Map(starts.map((t, i) => [t, i]));
  const pairs = new Map<string, PairSeries>();
  const totals = { exchanges: 0, allowed: 0, refused: 0 };
  for (const r of rows) {
    const i = index.get(r.at.getTime());
    // the database bins on the same origin; a row outside the buckets would be a bug, not data
    if (i === undefined) continue;
    const key = `${r.requester}>${r.provider}`;
    let p = pairs.get(key);
    if (!p) {
      p = {
        requester: r.requester,
        provider: r.provider,
        total: 0,
        allowed: 0,
        refused: 0,
        series: starts.map(() => 0),
        refusedSeries: starts.map(() => 0),
      };
      pairs.set(key, p);
    }
    p.total += r.n;
    p.series[i] = (p.series[i] ?? 0) + r.n;
    totals.exchanges += r.n;
    if (r.outcome === 'allow' || r.outcome === 'ok') {
      p.allowed += r.n;
      totals.allowed += r.n;
    } else if (refusedOutcomes.has(r.outcome)) {
      p.refused += r.n;
      p.refusedSeries[i] = (p.refusedSeries[i] ?? 0) + r.n;
      totals.refused += r.n;
    }
  }
  return {
    totals,
    pairs: [...pairs.values()].sort(
      (a, b) => b.total - a.total || `${a.requester}${a.provider}`.localeCompare(`${b.requester}${b.provider}`),
    ),
  };
}

/**
 * The φ-quantile of a Prometheus histogram (cumulative bucket counts by upper bound, +Inf last), as
 * PromQL's histogram_quantile: linear within the bucket it falls in; in the +Inf bucket, the largest
 * finite bound. Undefined without observations.
 */
export function histogramQuantile(phi: number, buckets: { le: number; count: number }[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = phi * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lowerBound;
      const inBucket = b.count - lowerCount;
      if (inBucket <= 0) return b.le;
      return lowerBound + (b.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = Number.isFinite(b.le) ? b.le : lowerBound;
    lowerCount = b.count;
  }
  return lowerBound;
}

export class ExchangeStats {
  constructor(
    private readonly province: Province,
    private readonly queries: StatsQueries,
    private readonly latencySource: LatencySource | undefined,
    private readonly clock: () => Date,
  ) {}

  async report(q: { from?: string; to?: string; bucket: StatsBucket }): Promise<ExchangeStatsReport> {
    const w = statsWindow(q, this.clock());
    const starts = bucketStarts(w);
    const [rows, refusals, latency] = await Promise.all([
      this.queries.pairCounts(this.province, w),
      this.queries.refusalCounts(this.province, w, MAX_REFUSAL_CODES),
      this.latencySource?.latency() ?? Promise.resolve(unavailableLatency),
    ]);
    return {
      province: this.province,
      from: w.from.toISOString(),
      to: w.to.toISOString(),
      bucket: w.bucket,
      buckets: starts.map((t) => new Date(t).toISOString()),
      ...layOut(starts, rows),
      refusals,
      latency,
    };
  }
}
