import { type HttpApp, principalOf, problemResponse, requireRoles } from '@yrd/http';
import { z } from 'zod';
import type { DutyApp } from '../app/duty.js';
import { dutyInput, negativeEntryInput } from '../domain/duty.js';
import { complianceSchema, dutySchema, negativeEntrySchema } from './http-schemas.js';

const idParams = z.object({ id: z.string().max(100) });
const trailQuery = z.object({
  includeRemoved: z.enum(['true', 'false']).default('false').describe('also the removed lines (the change trail)'),
});
/** A removal states its reason in the body or, for clients that send no DELETE body, in the query. */
const removal = {
  params: idParams,
  querystring: z.object({ reason: z.string().max(2000).optional() }),
  // fastify hands a DELETE without a body to the validator as null
  body: z.object({ reason: z.string().max(2000).optional() }).nullish(),
};

/**
 * Writes take any signed-in user and leave the admin check to DutyApp, so that a non-admin is told
 * CATALOG.ADMIN_REQUIRED (requireRoles would answer with the generic AUTH.ROLE_REQUIRED).
 */
export function dutyRoutes(app: HttpApp, duties: DutyApp) {
  app.get(
    '/api/catalog/v1/duties',
    {
      schema: {
        operationId: 'listDuties',
        response: { 200: z.object({ items: z.array(dutySchema) }) },
        summary: '共享责任清单 the duty list: what each agency must catalogue',
        querystring: trailQuery.extend({ agency: z.string().max(50).optional() }),
      },
    },
    async (req) => ({
      items: await duties.duties(requireRoles(req, 'publisher', 'admin'), {
        agency: req.query.agency,
        includeRemoved: req.query.includeRemoved === 'true',
      }),
    }),
  );

  app.post(
    '/api/catalog/v1/duties',
    {
      schema: {
        operationId: 'addDuty',
        response: { 409: problemResponse('责任清单已有该项 the duty is already listed'), 201: dutySchema },
        summary: '列入责任清单 the province admin adds a duty',
        body: dutyInput,
      },
    },
    async (req, reply) => {
      const duty = await duties.addDuty(req.body, principalOf(req));
      reply.status(201);
      return duty;
    },
  );

  app.delete(
    '/api/catalog/v1/duties/:id',
    {
      schema: {
        operationId: 'removeDuty',
        response: { 200: dutySchema },
        summary: '移出责任清单 the province admin removes a duty (a reason is required)',
        ...removal,
      },
    },
    async (req) => duties.removeDuty(req.params.id, req.body?.reason ?? req.query.reason ?? '', principalOf(req)),
  );

  app.get(
    '/api/catalog/v1/negative-list',
    {
      schema: {
        operationId: 'listNegativeList',
        response: { 200: z.object({ items: z.array(negativeEntrySchema) }) },
        summary: '负面清单 classes and entries that must not be shared',
        querystring: trailQuery,
      },
    },
    async (req) => ({
      items: await duties.negativeList(requireRoles(req, 'publisher', 'admin'), {
        includeRemoved: req.query.includeRemoved === 'true',
      }),
    }),
  );

  app.post(
    '/api/catalog/v1/negative-list',
    {
      schema: {
        operationId: 'addNegativeListEntry',
        response: { 409: problemResponse('负面清单已有该项 already on the negative list'), 201: negativeEntrySchema },
        summary: '列入负面清单 the province admin lists a class or an entry, with reason and legal basis',
        body: negativeEntryInput,
      },
    },
    async (req, reply) => {
      const entry = await duties.addNegative(req.body, principalOf(req));
      reply.status(201);
      return entry;
    },
  );

  app.delete(
    '/api/catalog/v1/negative-list/:id',
    {
      schema: {
        operationId: 'removeNegativeListEntry',
        response: { 200: negativeEntrySchema },
        summary: '移出负面清单 the province admin removes a negative-list entry (a reason is required)',
        ...removal,
      },
    },
    async (req) => duties.removeNegative(req.params.id, req.body?.reason ?? req.query.reason ?? '', principalOf(req)),
  );

  app.get(
    '/api/catalog/v1/compliance',
    {
      schema: {
        operationId: 'getAgencyCompliance',
        response: { 200: complianceSchema },
        summary: '履责情况 per-agency compliance: duties fulfilled or missing, and negative-list violations',
        querystring: z.object({ agency: z.string().max(50).optional() }),
      },
    },
    async (req) => duties.compliance(requireRoles(req, 'publisher', 'admin'), req.query.agency),
  );
}
