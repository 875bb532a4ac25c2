import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  type ApplicationStats,
  applicationsChart,
  bucketLabel,
  type ExchangeStats,
  matrixChart,
  trendChart,
} from './charts';

/** The key and its values, so what each chart asks the strings for is what is checked. */
const t = ((key: string, o?: Record<string, unknown>) =>
  o ? `${key}${JSON.stringify(o)}` : key) as unknown as TFunction;

const stats: ExchangeStats = {
  province: 'sh',
  from: '2026-01-01T08:00:00.000Z',
  to: '2026-01-01T10:00:00.000Z',
  bucket: 'hour',
  buckets: ['2026-01-01T08:00:00.000Z', '2026-01-01T09:00:00.000Z'],
  totals: { exchanges: 4, allowed: 3, refused: 1 },
  pairs: [
    { requester: 'sh', provider: 'zj', total: 3, allowed: 2, refused: 1, series: [2, 1], refusedSeries: [1, 0] },
    { requester: 'ah', provider: 'sh', total: 1, allowed: 1, refused: 0, series: [0, 1], refusedSeries: [0, 0] },
  ],
  refusals: [{ code: 'CONSENT.NO_GRANT', outcome: 'deny', n: 1 }],
  latency: { source: 'unavailable', since: 'service-start', operations: [] },
};

describe('the overview charts', () => {
  it('labels buckets in Beijing time: the hour, the date at midnight, the day', () => {
    expect(bucketLabel('2026-01-01T08:00:00.000Z', 'hour', 'zh-CN')).toBe('16:00');
    expect(bucketLabel('2025-12-31T16:00:00.000Z', 'hour', 'zh-CN')).toBe('01/01 00:00');
    expect(bucketLabel('2025-12-31T16:00:00.000Z', 'day', 'en')).toBe('01/01');
  });

  it('draws a line per province pair, and says the counts', () => {
    const { option, summary } = trendChart(stats, t, 'zh-CN');
    expect((option.series as { name: string; data: number[] }[]).map((s) => s.data)).toEqual([
      [2, 1],
      [0, 1],
    ]);
    expect(summary).toContain('overview.trend.summary{"total":4');
    expect(summary).toContain('\\"total\\":3,\\"refused\\":1');
  });

  it('puts each pair in its cell of the 4×4 matrix: requester row, provider column', () => {
    const { option } = matrixChart(stats, t, 'zh-CN');
    const cells = (option.series as { data: number[][] }[])[0]?.data ?? [];
    expect(cells).toHaveLength(16);
    // provinces in order sh, js, zj, ah: sh→zj is column 2 of row 0, ah→sh column 0 of row 3
    expect(cells.filter((c) => (c[2] ?? 0) > 0)).toEqual([
      [2, 0, 3],
      [0, 3, 1],
    ]);
  });

  it('stacks the applications on time and overdue, provinces in the region’s order', () => {
    const zero = { compliance_review: 0, submitted: 0, second_approval: 0, coordination: 0 };
    const a: ApplicationStats = {
      provinces: [
        { province: 'zj', stages: { ...zero, submitted: 3 }, pending: 3, overdue: 1, asOf: '' },
        { province: 'sh', stages: zero, pending: 0, overdue: 0, asOf: '' },
      ],
      unanswered: ['js', 'ah'],
    };
    const { option } = applicationsChart(a, t, 'zh-CN');
    expect((option.series as { data: number[] }[]).map((s) => s.data)).toEqual([
      [0, 2],
      [0, 1],
    ]);
  });
});
