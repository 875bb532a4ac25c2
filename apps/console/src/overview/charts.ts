/**
 * The overview's charts as ECharts options, and what each says in words: pure functions of the API's
 * answers (GET /api/audit/v1/stats, GET /api/consent/v1/stats/applications) and the strings. Nothing
 * is counted here; the services count.
 */
import type { Schemas } from '@yrd/api-client';
import type { TFunction } from 'i18next';
import { provinces } from '../vocabulary';
import type { ChartOption } from './OverviewChart';

export type ExchangeStats = Schemas['ExchangeStats'];
export type ApplicationStats = Schemas['ApplicationStats'];
type Pair = ExchangeStats['pairs'][number];

const colors = ['#1d5bd8', '#d46b08', '#08979c', '#7a3fd1', '#c41d7f', '#389e0d', '#874d00', '#0050b3'];
const refusedColor = '#cf1322';
const failedColor = '#874d00';

const beijing = (lang: string, opts: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', ...opts });

/** A bucket's start as the axis shows it, in Beijing time: the hour (the date at midnight), or the day. */
export function bucketLabel(iso: string, bucket: ExchangeStats['bucket'], lang: string): string {
  const d = new Date(iso);
  const day = beijing(lang, { month: '2-digit', day: '2-digit' }).format(d);
  if (bucket === 'day') return day;
  const hour = beijing(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return hour === '00:00' ? `${day} ${hour}` : hour;
}

/** The window as the page states it. */
export function windowText(s: ExchangeStats, t: TFunction, lang: string): string {
  const f = beijing(lang, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return t('overview.window', {
    from: f.format(new Date(s.from)),
    to: f.format(new Date(s.to)),
    bucket: t(`overview.bucket.${s.bucket}`),
  });
}

const provinceName = (p: string, t: TFunction) =>
  (provinces as readonly string[]).includes(p) ? t(`province.${p as (typeof provinces)[number]}`) : p;

export const pairName = (p: Pick<Pair, 'requester' | 'provider'>, t: TFunction) =>
  t('overview.pair', { from: provinceName(p.requester, t), to: provinceName(p.provider, t) });

const listed = (xs: string[], lang: string) => xs.join(lang === 'en' ? '; ' : '；');

const tooltip = { trigger: 'axis' as const, confine: true };
const grid = { left: 56, right: 24, top: 48, bottom: 40, containLabel: true };

export function trendChart(s: ExchangeStats, t: TFunction, lang: string): { option: ChartOption; summary: string } {
  const option: ChartOption = {
    color: colors,
    tooltip,
    legend: { top: 0, type: 'plain' },
    grid,
    xAxis: { type: 'category', data: s.buckets.map((b) => bucketLabel(b, s.bucket, lang)), boundaryGap: false },
    yAxis: { type: 'value', name: t('overview.trend.axis'), minInterval: 1 },
    series: s.pairs.map((p) => ({
      type: 'line',
      name: pairName(p, t),
      data: p.series,
      showSymbol: s.buckets.length <= 31,
      emphasis: { focus: 'series' },
    })),
  };
  const summary =
    s.totals.exchanges === 0
      ? t('overview.trend.empty')
      : t('overview.trend.summary', {
          total: s.totals.exchanges,
          pairs: listed(
            s.pairs.map((p) =>
              t('overview.trend.pairSummary', { pair: pairName(p, t), total: p.total, refused: p.refused }),
            ),
            lang,
          ),
        });
  return { option, summary };
}

export function matrixChart(s: ExchangeStats, t: TFunction, lang: string): { option: ChartOption; summary: string } {
  const names = provinces.map((p) => t(`province.${p}`));
  const at = new Map(s.pairs.map((p) => [`${p.requester}>${p.provider}`, p.total]));
  const cells = provinces.flatMap((req, y) => provinces.map((prov, x) => [x, y, at.get(`${req}>${prov}`) ?? 0]));
  const max = Math.max(1, ...cells.map((c) => c[2] ?? 0));
  const option: ChartOption = {
    tooltip: { position: 'top', confine: true },
    grid: { left: 64, right: 24, top: 16, bottom: 40, containLabel: true },
    xAxis: {
      type: 'category',
      data: names,
      name: t('overview.matrix.provider'),
      nameLocation: 'middle',
      nameGap: 28,
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      data: names,
      name: t('overview.matrix.requester'),
      nameLocation: 'middle',
      nameGap: 44,
      splitArea: { show: true },
    },
    visualMap: {
      show: false,
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ['#f0f5ff', '#1d5bd8'] },
    },
    series: [
      {
        type: 'heatmap',
        name: t('overview.matrix.title'),
        data: cells,
        label: { show: true },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
  };
  const top = s.pairs
    .slice(0, 3)
    .map((p) => t('overview.trend.pairSummary', { pair: pairName(p, t), total: p.total, refused: p.refused }));
  const summary =
    top.length === 0 ? t('overview.trend.empty') : t('overview.matrix.summary', { top: listed(top, lang) });
  return { option, summary };
}

export function refusalsChart(s: ExchangeStats, t: TFunction, lang: string): { option: ChartOption; summary: string } {
  const codes = [...new Set(s.refusals.map((r) => r.code || '—'))];
  const countOf = (code: string, outcome: string) =>
    s.refusals.find((r) => (r.code || '—') === code && r.outcome === outcome)?.n ?? 0;
  // the most frequent at the top of the chart
  const shown = [...codes].reverse();
  const option: ChartOption = {
    tooltip: { ...tooltip, axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { ...grid, left: 16 },
    xAxis: { type: 'value', name: t('overview.refusals.axis'), nameLocation: 'middle', nameGap: 28, minInterval: 1 },
    yAxis: { type: 'category', data: shown, axisLabel: { fontFamily: 'monospace' } },
    series: [
      {
        type: 'bar',
        stack: 'refused',
        barMaxWidth: 28,
        name: t('overview.refusals.deny'),
        color: refusedColor,
        data: shown.map((c) => countOf(c, 'deny')),
      },
      {
        type: 'bar',
        stack: 'refused',
        barMaxWidth: 28,
        name: t('overview.refusals.error'),
        color: failedColor,
        data: shown.map((c) => countOf(c, 'error')),
      },
    ],
  };
  const total = s.refusals.reduce((n, r) => n + r.n, 0);
  const summary =
    total === 0
      ? t('overview.refusals.empty')
      : t('overview.refusals.summary', {
          total,
          codes: listed(
            s.refusals.map((r) => t('overview.refusals.codeSummary', { code: r.code || '—', n: r.n })),
            lang,
          ),
        });
  return { option, summary };
}

export function latencyChart(s: ExchangeStats, t: TFunction, lang: string): { option: ChartOption; summary: string } {
  const ops = s.latency.operations;
  const names = ops.map((o) => t(`overview.latency.op.${o.operation}`));
  const option: ChartOption = {
    color: ['#1d5bd8', '#d46b08'],
    tooltip: { ...tooltip, axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value', name: t('overview.latency.axis') },
    series: [
      {
        type: 'bar',
        name: t('overview.latency.p50'),
        data: ops.map((o) => o.p50Ms ?? 0),
        label: { show: true, position: 'top' },
      },
      {
        type: 'bar',
        name: t('overview.latency.p95'),
        data: ops.map((o) => o.p95Ms ?? 0),
        label: { show: true, position: 'top' },
      },
    ],
  };
  const none = t('overview.latency.noData');
  const summary =
    s.latency.source === 'unavailable'
      ? t('overview.latency.unavailable')
      : ops.every((o) => o.count === 0)
        ? t('overview.latency.empty')
        : t('overview.latency.summary', {
            ops: listed(
              ops.map((o) =>
                o.count === 0
                  ? t('overview.latency.opNone', { op: t(`overview.latency.op.${o.operation}`) })
                  : t('overview.latency.opSummary', {
                      op: t(`overview.latency.op.${o.operation}`),
                      count: o.count,
                      p50: o.p50Ms ?? none,
                      p95: o.p95Ms ?? none,
                    }),
              ),
              lang,
            ),
          });
  return { option, summary };
}

export function applicationsChart(
  a: ApplicationStats,
  t: TFunction,
  lang: string,
): { option: ChartOption; summary: string } {
  const rows = provinces.flatMap((p) => a.provinces.filter((x) => x.province === p));
  const names = rows.map((r) => t(`province.${r.province}`));
  const option: ChartOption = {
    tooltip: { ...tooltip, axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value', name: t('overview.applications.axis'), minInterval: 1 },
    series: [
      {
        type: 'bar',
        stack: 'waiting',
        name: t('overview.applications.onTime'),
        color: '#1d5bd8',
        data: rows.map((r) => r.pending - r.overdue),
      },
      {
        type: 'bar',
        stack: 'waiting',
        name: t('overview.applications.overdue'),
        color: refusedColor,
        data: rows.map((r) => r.overdue),
        label: {
          show: true,
          position: 'top',
          formatter: (p: { dataIndex: number }) => String(rows[p.dataIndex]?.pending ?? ''),
        },
      },
    ],
  };
  const summary = t('overview.applications.summary', {
    provinces: listed(
      rows.map((r) =>
        t('overview.applications.provinceSummary', {
          province: t(`province.${r.province}`),
          pending: r.pending,
          overdue: r.overdue,
        }),
      ),
      lang,
    ),
  });
  return { option, summary };
}
