import { describe, expect, it } from 'vitest';
import { latencyFromScrape } from '../adapters/exchange-latency.js';
import { bucketStart, bucketStarts, histogramQuantile, layOut, statsWindow } from './exchange-stats.js';

const now = new Date('2026-01-01T12:30:00.000Z');

describe('statsWindow', () => {
  it('defaults to the last day by the hour and the last week by the day', () => {
    expect(statsWindow({ bucket: 'hour' }, now)).toEqual({
      from: new Date('2025-12-31T12:30:00.000Z'),
      to: now,
      bucket: 'hour',
    });
    expect(statsWindow({ bucket: 'day' }, now).from).toEqual(new Date('2025-12-25T12:30:00.000Z'));
  });

  it.each([
    [
      { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'hour' as const },
      'AUDIT.STATS_WINDOW_INVALID',
    ],
    [
      { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'day' as const },
      'AUDIT.STATS_WINDOW_INVALID',
    ],
    [
      { from: '2026-01-01T00:00:00Z', to: '2026-01-08T00:00:01Z', bucket: 'hour' as const },
      'AUDIT.STATS_WINDOW_TOO_LONG',
    ],
    [
      { from: '2026-01-01T00:00:00Z', to: '2026-04-03T00:00:01Z', bucket: 'day' as const },
      'AUDIT.STATS_WINDOW_TOO_LONG',
    ],
  ])('refuses %o with %s', (q, code) => {
    expect(() => statsWindow(q, now)).toThrow(expect.objectContaining({ code, kind: 'invalid' }));
  });

  it('takes seven days by the hour and 92 by the day', () => {
    expect(() =>
      statsWindow({ from: '2026-01-01T00:00:00Z', to: '2026-01-08T00:00:00Z', bucket: 'hour' }, now),
    ).not.toThrow();
    expect(() =>
      statsWindow({ from: '2026-01-01T00:00:00Z', to: '2026-04-03T00:00:00Z', bucket: 'day' }, now),
    ).not.toThrow();
  });
});

describe('buckets', () => {
  it('start on Beijing days and whole hours, and cover the window', () => {
    expect(new Date(bucketStart(Date.parse('2026-01-01T15:59:59Z'), 'day')).toISOString()).toBe(
      '2025-12-31T16:00:00.000Z',
    );
    expect(new Date(bucketStart(Date.parse('2026-01-01T16:00:00Z'), 'day')).toISOString()).toBe(
      '2026-01-01T16:00:00.000Z',
    );
    const w = statsWindow({ from: '2026-01-01T08:30:00Z', to: '2026-01-01T10:00:00Z', bucket: 'hour' }, now);
    expect(bucketStarts(w).map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-01T08:00:00.000Z',
      '2026-01-01T09:00:00.000Z',
    ]);
  });

  it('lays counts out per pair, allowed and refused apart', () => {
    const starts = [Date.parse('2026-01-01T08:00:00Z'), Date.parse('2026-01-01T09:00:00Z')];
    const row = (h: number, outcome: string, n: number) => ({
      at: new Date(starts[h] ?? 0),
      requester: 'sh',
      provider: 'zj',
      outcome,
      n,
    });
    expect(layOut(starts, [row(0, 'allow', 2), row(1, 'deny', 1), row(1, 'error', 1)])).toEqual({
      totals: { exchanges: 4, allowed: 2, refused: 2 },
      pairs: [
        { requester: 'sh', provider: 'zj', total: 4, allowed: 2, refused: 2, series: [2, 2], refusedSeries: [0, 2] },
      ],
    });
  });
});

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.1, count: 50 },
    { le: 0.5, count: 90 },
    { le: 1, count: 100 },
    { le: Number.POSITIVE_INFINITY, count: 100 },
  ];
  it('interpolates within the bucket, as PromQL does', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.3);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.75);
  });
  it('gives the largest finite bound in the +Inf bucket, nothing without observations', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }])).toBeUndefined();
  });
});

describe('latencyFromScrape', () => {
  it('reads the exchange routes and this province’s lanes, summed over status codes', () => {
    const text = [
      '# TYPE http_server_request_duration_seconds histogram',
      'http_server_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/exchange/v1/queries",status_code="200"} 3',
      'http_server_request_duration_seconds_bucket{le="1",method="POST",route="/api/exchange/v1/queries",status_code="200"} 4',
      'http_server_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/exchange/v1/queries",status_code="200"} 4',
      'http_server_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/exchange/v1/queries",status_code="403"} 1',
      'http_server_request_duration_seconds_bucket{le="1",method="POST",route="/api/exchange/v1/queries",status_code="403"} 1',
      'http_server_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/exchange/v1/queries",status_code="403"} 1',
      'http_server_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/exchange/v1/subscriptions",status_code="200"} 9',
      'yrd_nats_request_duration_seconds_bucket{le="0.01",subject="xchg.sh.from.*.exchange.*",outcome="ok"} 2',
      'yrd_nats_request_duration_seconds_bucket{le="+Inf",subject="xchg.sh.from.*.exchange.*",outcome="ok"} 2',
      'yrd_nats_request_duration_seconds_bucket{le="+Inf",subject="xchg.sh.from.*.consent.*",outcome="ok"} 7',
    ].join('\n');
    expect(latencyFromScrape(text, 'sh')).toEqual([
      { operation: 'query', count: 5, p50Ms: 62.5, p95Ms: 775 },
      { operation: 'verify', count: 0, p50Ms: null, p95Ms: null },
      { operation: 'served', count: 2, p50Ms: 5, p95Ms: 9.5 },
    ]);
  });
});
