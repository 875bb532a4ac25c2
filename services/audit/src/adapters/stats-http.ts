/**
 * GET /api/audit/v1/stats — the 一网统管 overview's exchange figures (app/exchange-stats.ts). Counts
 * only: no person, user, agency or resource in the answer, so every member of the province's staff may
 * read it (admin, auditor, reviewer, publisher, requester); a data subject may not, nor another
 * province (its staff read their own province's overview).
 */
import type { DatabaseHandle } from '@yrd/db';
import { forbidden } from '@yrd/errors';
import { type HttpApp, principalOf, problemResponse } from '@yrd/http';
import { isoDateTime } from '@yrd/http/dates';
import type { Logger } from '@yrd/logger';
import type { Province } from '@yrd/region';
import { z } from 'zod';
import { ExchangeStats, statsBuckets } from '../app/exchange-stats.js';
import { ExchangeMetricsLatency } from './exchange-latency.js';
import { StatsRepo } from './stats-db.js';

const staffRoles = ['admin', 'auditor', 'reviewer', 'publisher', 'requester'] as const;

const count = z.number().int().min(0);

export const exchangeStatsSchema = z
  .object({
    province: z.string(),
    from: z.string().describe('inclusive'),
    to: z.string().describe('exclusive'),
    bucket: z.enum(statsBuckets),
    buckets: z.array(z.string()).describe('the start of each bucket (days start at 00:00 Beijing time)'),
    totals: z.object({ exchanges: count, allowed: count, refused: count }),
    pairs: z.array(
      z.object({
        requester: z.string().describe('requesting province'),
        provider: z.string().describe('providing province'),
        total: count,
        allowed: count,
        refused: count,
        series: z.array(count).describe('exchanges per bucket, aligned with `buckets`'),
        refusedSeries: z.array(count).describe('refused exchanges per bucket'),
      }),
    ),
    refusals: z
      .array(z.object({ code: z.string(), outcome: z.string().describe('deny or error'), n: count }))
      .describe('refused exchanges by stable code, most frequent first (at most 30 codes)'),
    latency: z.object({
      source: z
        .enum(['exchange-metrics', 'unavailable'])
        .describe('the exchange service’s Prometheus histograms; the audit trail carries no durations'),
      since: z.literal('service-start').describe('the figures cover the time since the exchange service started'),
      operations: z.array(
        z.object({
          operation: z.enum(['query', 'verify', 'served']),
          count,
          p50Ms: z.number().nullable(),
          p95Ms: z.number().nullable(),
        }),
      ),
    }),
  })
  .meta({ id: 'ExchangeStats' });

export function exchangeStatsRoutes(
  app: HttpApp,
  deps: {
    db: DatabaseHandle;
    province: Province;
    clock: () => Date;
    logger: Logger;
    exchangeMetricsUrl?: string | undefined;
  },
) {
  const stats = new ExchangeStats(
    deps.province,
    new StatsRepo(deps.db),
    deps.exchangeMetricsUrl
      ? new ExchangeMetricsLatency(deps.exchangeMetricsUrl, deps.province, deps.logger)
      : undefined,
    deps.clock,
  );
  app.get(
    '/api/audit/v1/stats',
    {
      schema: {
        operationId: 'getExchangeStats',
        summary: '一网统管交换统计 exchanges per province pair over time, refusals by code, latency',
        description:
          'From this province’s audit trail: each exchange once, as this province saw it (asked, or served for another province). `from` inclusive, `to` exclusive; default the last 24 hours (hour) or 7 days (day); at most 7 days with hourly buckets, 92 days with daily ones. Latency comes from the exchange service’s histograms since its start.',
        querystring: z.object({
          from: isoDateTime.optional(),
          to: isoDateTime.optional(),
          bucket: z.enum(statsBuckets).default('hour'),
        }),
        response: {
          200: exchangeStatsSchema,
          400: problemResponse('时间范围无效或过长 the window is invalid or too long'),
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (p.province !== deps.province)
        throw forbidden(
          'AUDIT.WRONG_PROVINCE',
          `只能查看本省的统计 the overview of ${deps.province} is read by its own province`,
        );
      if (!staffRoles.some((r) => p.roles.includes(r)))
        throw forbidden('AUTH.ROLE_REQUIRED', `需要角色 requires one of the roles: ${staffRoles.join(', ')}`);
      return stats.report(req.query);
    },
  );
}
