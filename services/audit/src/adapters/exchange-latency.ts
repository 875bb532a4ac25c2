/**
 * Exchange latency for the overview, read from the province's exchange service as Prometheus reads it:
 * a GET of its admin port's /metrics (inside the province, never through the edge). The audit trail
 * cannot give it (a record is stamped once, with no duration); the exchange's histograms can:
 * - `http_server_request_duration_seconds` of POST /api/exchange/v1/queries and /verifications: what
 *   this province's agencies waited for an answer from the provider, the other province's part included;
 * - `yrd_nats_request_duration_seconds` of the exchange lanes: what serving other provinces took here.
 * Histograms count from the service's start; the figures say so (`since`).
 */
import type { Logger } from '@yrd/logger';
import type { Province } from '@yrd/region';
import { parseScrape, type Sample } from '@yrd/telemetry';
import {
  histogramQuantile,
  type LatencyFigure,
  type LatencyReport,
  type LatencySource,
  unavailableLatency,
} from '../app/exchange-stats.js';

const requestedRoutes: Record<string, 'query' | 'verify'> = {
  '/api/exchange/v1/queries': 'query',
  '/api/exchange/v1/verifications': 'verify',
};

/** The latency figures in one scrape of the exchange service (pure, for the tests). */
export function latencyFromScrape(text: string, province: Province): LatencyFigure[] {
  const samples = parseScrape(text);
  const lanes = `xchg.${province}.from.*.exchange.*`;
  const byOp = new Map<LatencyFigure['operation'], Map<number, number>>();
  const add = (op: LatencyFigure['operation'], s: Sample) => {
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if (Number.isNaN(le)) return;
    const m = byOp.get(op) ?? new Map<number, number>();
    // summed over the other labels (status code, outcome): buckets are cumulative per series
    m.set(le, (m.get(le) ?? 0) + s.value);
    byOp.set(op, m);
  };
  for (const s of samples) {
    if (s.name === 'http_server_request_duration_seconds_bucket' && s.labels.method === 'POST') {
      const op = requestedRoutes[s.labels.route ?? ''];
      if (op) add(op, s);
    } else if (s.name === 'yrd_nats_request_duration_seconds_bucket' && s.labels.subject === lanes) {
      add('served', s);
    }
  }
  const ops: LatencyFigure['operation'][] = ['query', 'verify', 'served'];
  return ops.map((operation) => {
    const buckets = [...(byOp.get(operation) ?? new Map<number, number>())].map(([le, count]) => ({ le, count }));
    const count = buckets.find((b) => !Number.isFinite(b.le))?.count ?? 0;
    const ms = (phi: number) => {
      const s = histogramQuantile(phi, buckets);
      return s === undefined ? null : Math.round(s * 10_000) / 10;
    };
    return { operation, count, p50Ms: ms(0.5), p95Ms: ms(0.95) };
  });
}

export class ExchangeMetricsLatency implements LatencySource {
  constructor(
    private readonly url: string,
    private readonly province: Province,
    private readonly logger: Logger,
    private readonly timeoutMs = 2000,
  ) {}

  async latency(): Promise<LatencyReport> {
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) throw new Error(`GET ${this.url}: ${res.status}`);
      return {
        source: 'exchange-metrics',
        since: 'service-start',
        operations: latencyFromScrape(await res.text(), this.province),
      };
    } catch (err) {
      // the overview still shows the counts; the latency says where it could not be read from
      this.logger.warn({ err }, 'exchange metrics could not be read for the overview');
      return unavailableLatency;
    }
  }
}
