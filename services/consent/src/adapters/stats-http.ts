/**
 * GET /api/consent/v1/stats/applications — the 一网统管 overview's applications waiting in each
 * province (app/application-stats.ts), and the counts lane that answers the other provinces. Counts
 * only, so the province's staff may read them; a data subject may not, nor another province's staff
 * (they read their own node's overview, which asks this one over the lane).
 */
import type { DatabaseHandle } from '@yrd/db';
import { forbidden } from '@yrd/errors';
import { type HttpApp, principalOf } from '@yrd/http';
import type { Logger } from '@yrd/logger';
import type { NatsConnection } from '@yrd/nats';
import { type Province, provinces } from '@yrd/region';
import { z } from 'zod';
import { ApplicationStats } from '../app/application-stats.js';
import { CountsRepo } from './stats-db.js';
import { CountsLane, NatsCountsPeers } from './stats-nats.js';

const staffRoles = ['admin', 'auditor', 'reviewer', 'publisher', 'requester'] as const;
const count = z.number().int().min(0);

export const applicationStatsSchema = z
  .object({
    provinces: z
      .array(
        z.object({
          province: z.enum(provinces),
          stages: z.object({
            compliance_review: count,
            submitted: count,
            second_approval: count,
            coordination: count,
          }),
          pending: count.describe('waiting for a decision, all stages'),
          overdue: count.describe('waiting past the due date'),
          asOf: z.string().describe('when that province counted'),
        }),
      )
      .describe('this province first, then each province that answered'),
    unanswered: z.array(z.enum(provinces)).describe('provinces that did not answer in time: their counts are missing'),
  })
  .meta({ id: 'ApplicationStats' });

/** Registers the route; the lane answering the other provinces runs between `start` and `stop`. */
export function applicationStatsRoutes(
  app: HttpApp,
  deps: { db: DatabaseHandle; nc: NatsConnection; province: Province; clock: () => Date; logger: Logger },
): { start(): Promise<void>; stop(): void } {
  const stats = new ApplicationStats(
    deps.province,
    new CountsRepo(deps.db),
    new NatsCountsPeers(deps.nc, deps.province),
    deps.clock,
  );
  app.get(
    '/api/consent/v1/stats/applications',
    {
      schema: {
        operationId: 'getApplicationStats',
        summary: '待审共享申请统计 applications waiting and overdue, per province of the region',
        description:
          'Each province counts the applications made to it as the provider that wait for a decision, by stage, and those past their due date; the other provinces are asked over the consent lanes (2 s), and any that did not answer is listed in `unanswered`.',
        response: { 200: applicationStatsSchema },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (p.province !== deps.province)
        throw forbidden(
          'CONSENT.WRONG_PROVINCE',
          `只能查看本省节点的统计 the overview is read at the node of one’s own province (${p.province})`,
        );
      if (!staffRoles.some((r) => p.roles.includes(r)))
        throw forbidden('AUTH.ROLE_REQUIRED', `需要角色 requires one of the roles: ${staffRoles.join(', ')}`);
      return stats.region();
    },
  );
  const lane = new CountsLane(deps.nc, deps.province, stats, deps.logger);
  return { start: () => lane.start(), stop: () => lane.stop() };
}
