import { type HttpApp, principalOf, problemResponse, requireRoles } from '@yrd/http';
import { isoDateTime } from '@yrd/http/dates';
import { provinces } from '@yrd/region';
import { z } from 'zod';
import type { Applications } from '../app/applications.js';
import type { Consents } from '../app/consents.js';
import type { Grants } from '../app/grants.js';
import { idempotencyKeyPattern } from '../app/ids.js';
import type { OutgoingApplications } from '../app/outgoing.js';
import type { ProvinceRules } from '../app/rules.js';
import { modes } from '../domain/index.js';
import { policyRulesInput } from '../domain/rules.js';
import { applicationStatuses } from '../domain/workflow.js';
import {
  applicationSchema,
  consentSchema,
  decidedApplicationSchema,
  grantSchema,
  outgoingApplicationSchema,
  outgoingGrantSchema,
  rulesVersionSchema,
} from './http-schemas.js';

const id = z.object({ id: z.string().min(1).max(200) });
const itemNames = z.array(z.string().min(1).max(64)).min(1).max(500);
const instant = isoDateTime;

export const applicationBody = z.object({
  resourceId: z.string().min(1).max(200),
  purpose: z.string().trim().min(1).max(500),
  legalBasis: z.string().trim().min(1).max(2000),
  items: itemNames,
  validUntil: instant,
  modes: z.array(z.enum(modes)).min(1).default(['query']),
  /** requests per minute asked for under the grant */
  ratePerMinute: z.number().int().min(1).max(600_000).default(60),
});

export const decisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(2000).default(''),
  /** the requester performs a statutory duty (履行法定职责), recorded on the grant */
  legalDuty: z.boolean().optional(),
  /** the provider may allow fewer requests per minute than asked */
  ratePerMinute: z.number().int().min(1).max(600_000).optional(),
});

const reasoned = <T extends readonly [string, ...string[]]>(decisions: T) =>
  z.object({ decision: z.enum(decisions), reason: z.string().max(2000).default('') });

export const rulesBody = z.object({
  rules: policyRulesInput,
  reason: z.string().max(2000),
});

export const consentBody = z.object({
  requesterAgency: z.string().min(1).max(50),
  requesterProvince: z.enum(provinces),
  resourceId: z.string().min(1).max(200),
  items: itemNames,
  purpose: z.string().trim().min(1).max(500),
  validUntil: instant,
  /** once: good for one fetch; periodic: any number of fetches until validUntil */
  fetchType: z.enum(['once', 'periodic']).default('periodic'),
});

/** The use cases the HTTP API serves. */
export interface ConsentRouteUseCases {
  applications: Applications;
  outgoing: OutgoingApplications;
  grants: Grants;
  consents: Consents;
  rules: ProvinceRules;
}

export function consentRoutes(app: HttpApp, { applications, outgoing, grants, consents, rules }: ConsentRouteUseCases) {
  app.post(
    '/api/consent/v1/applications',
    {
      schema: {
        operationId: 'submitApplication',
        response: {
          409: problemResponse(
            '无需申请、有效期已过或幂等键已用于另一份申请 no application needed (unconditional), the validity has ended, or the Idempotency-Key was used for a different application',
          ),
          201: applicationSchema,
        },
        summary: '共享申请 a requester applies for a conditional resource',
        description:
          'With an Idempotency-Key header, the same submission sent again (a retry after a timeout) answers the application it filed instead of filing another; the same key with a different submission is refused (409 CONSENT.IDEMPOTENCY_KEY_REUSED).',
        headers: z.object({
          'idempotency-key': z
            .string()
            .regex(idempotencyKeyPattern, '幂等键须为 8–128 位字母、数字或 .:_- / 8–128 letters, digits or .:_-')
            .optional(),
        }),
        body: applicationBody,
      },
    },
    async (req, reply) => {
      const by = requireRoles(req, 'requester');
      const key = req.headers['idempotency-key'];
      const created = await applications.submit(by, { ...req.body, ...(key ? { idempotencyKey: key } : {}) });
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/api/consent/v1/applications/:id',
    {
      schema: {
        operationId: 'getApplication',
        response: { 200: applicationSchema },
        summary: '申请详情 one application (read from the provider province)',
        params: id,
      },
    },
    async (req) => applications.get(principalOf(req), req.params.id),
  );

  app.post(
    '/api/consent/v1/applications/:id/decision',
    {
      schema: {
        operationId: 'decideApplication',
        response: { 200: decidedApplicationSchema },
        summary: '审核 the provider’s reviewer approves or rejects',
        params: id,
        body: decisionBody,
      },
    },
    async (req) => applications.decide(requireRoles(req, 'reviewer'), req.params.id, req.body),
  );

  app.post(
    '/api/consent/v1/applications/:id/compliance',
    {
      schema: {
        operationId: 'reviewApplicationCompliance',
        response: { 200: decidedApplicationSchema },
        summary: '符合性审查 the data authority passes an application on to the provider, or fails it with a reason',
        params: id,
        body: reasoned(['pass', 'fail'] as const),
      },
    },
    async (req) =>
      applications.complianceReview(requireRoles(req, 'admin'), req.params.id, {
        decision: req.body.decision,
        reason: req.body.reason,
      }),
  );

  app.post(
    '/api/consent/v1/applications/:id/second-approval',
    {
      schema: {
        operationId: 'secondApproveApplication',
        response: { 200: decidedApplicationSchema },
        summary: '二级审批 the data authority approves important data after the provider, or refuses with a reason',
        params: id,
        body: reasoned(['approve', 'reject'] as const),
      },
    },
    async (req) =>
      applications.secondApproval(requireRoles(req, 'admin'), req.params.id, {
        decision: req.body.decision,
        reason: req.body.reason,
      }),
  );

  app.post(
    '/api/consent/v1/applications/:id/coordination',
    {
      schema: {
        operationId: 'requestCoordination',
        response: { 200: applicationSchema },
        summary: '申请协调 after a rejection, the requester asks the data authority to coordinate, citing its duty',
        params: id,
        body: z.object({ reason: z.string().max(2000) }),
      },
    },
    async (req) => applications.requestCoordination(requireRoles(req, 'requester'), req.params.id, req.body.reason),
  );

  app.post(
    '/api/consent/v1/applications/:id/coordination/decision',
    {
      schema: {
        operationId: 'decideCoordination',
        response: { 200: decidedApplicationSchema },
        summary: '协调结论 the data authority decides a coordination or an overdue, escalated application',
        params: id,
        body: reasoned(['approve', 'reject'] as const).extend({ legalDuty: z.boolean().optional() }),
      },
    },
    async (req) =>
      applications.coordinate(requireRoles(req, 'admin'), req.params.id, {
        decision: req.body.decision,
        reason: req.body.reason,
        ...(req.body.legalDuty === undefined ? {} : { legalDuty: req.body.legalDuty }),
      }),
  );

  app.get(
    '/api/consent/v1/applications',
    {
      schema: {
        operationId: 'listApplications',
        response: { 200: z.object({ applications: z.array(applicationSchema) }) },
        summary: '待办 a worklist of applications at the provider, overdue ones flagged',
        querystring: z.object({
          status: z.enum(applicationStatuses).optional(),
          overdue: z
            .enum(['true', 'false'])
            .optional()
            .transform((v) => (v === undefined ? undefined : v === 'true')),
        }),
      },
    },
    async (req) => ({ applications: await applications.list(principalOf(req), req.query) }),
  );

  app.get(
    '/api/consent/v1/outgoing-applications',
    {
      schema: {
        operationId: 'listOutgoingApplications',
        response: {
          200: z.object({
            applications: z.array(outgoingApplicationSchema),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
        },
        summary: '我的申请 the applications of my agency, with their state at the provider',
        querystring: z.object({
          status: z.enum(applicationStatuses).optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (req) => outgoing.list(requireRoles(req, 'requester'), req.query),
  );

  app.get(
    '/api/consent/v1/outgoing-grants',
    {
      schema: {
        operationId: 'listOutgoingGrants',
        response: {
          200: z.object({
            grants: z.array(outgoingGrantSchema),
            unreachable: z.array(z.enum(provinces)).describe('provider provinces that did not answer'),
          }),
        },
        summary: '我的授权 the grants my agency holds',
      },
    },
    async (req) => outgoing.grants(requireRoles(req, 'requester')),
  );

  app.get(
    '/api/consent/v1/rules',
    {
      schema: {
        operationId: 'getRules',
        response: { 200: rulesVersionSchema },
        summary: '管理规则 the province’s rules in force, with their version',
      },
    },
    async () => rules.inForce(),
  );

  app.put(
    '/api/consent/v1/rules',
    {
      schema: {
        operationId: 'updateRules',
        response: { 409: problemResponse('规则已被他人修改 the rules changed meanwhile'), 200: rulesVersionSchema },
        summary: '修改规则 the province admin changes the rules: a new version, kept and audited',
        body: rulesBody,
      },
    },
    async (req) => rules.update(principalOf(req), req.body.rules, req.body.reason),
  );

  app.get(
    '/api/consent/v1/rules/history',
    {
      schema: {
        operationId: 'getRulesHistory',
        response: { 200: z.object({ versions: z.array(rulesVersionSchema) }) },
        summary: '规则变更记录 every version of the rules: who, when, why, what changed',
      },
    },
    async () => ({ versions: await rules.history() }),
  );

  app.get(
    '/api/consent/v1/rules/versions/:version',
    {
      schema: {
        operationId: 'getRulesVersion',
        response: { 200: rulesVersionSchema },
        summary: '历史规则 one version of the rules (0: the defaults)',
        params: z.object({ version: z.coerce.number().int().min(0) }),
      },
    },
    async (req) => rules.at(req.params.version),
  );

  app.get(
    '/api/consent/v1/grants/:id',
    { schema: { operationId: 'getGrant', response: { 200: grantSchema }, summary: '授权详情 one grant', params: id } },
    async (req) => grants.get(principalOf(req), req.params.id),
  );

  app.delete(
    '/api/consent/v1/grants/:id',
    {
      schema: {
        operationId: 'revokeGrant',
        response: { 200: grantSchema },
        summary: '撤销授权 the provider’s reviewer revokes a grant',
        params: id,
      },
    },
    async (req) => grants.revoke(requireRoles(req, 'reviewer'), req.params.id),
  );

  app.post(
    '/api/consent/v1/consents',
    {
      schema: {
        operationId: 'giveConsent',
        response: { 201: consentSchema },
        summary: '出具授权书 a data subject consents',
        body: consentBody,
      },
    },
    async (req, reply) => {
      const created = await consents.create(requireRoles(req, 'subject'), req.body);
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/api/consent/v1/consents',
    {
      schema: {
        operationId: 'listConsents',
        response: { 200: z.object({ consents: z.array(consentSchema) }) },
        summary: '我的授权书 a data subject lists their consents',
      },
    },
    async (req) => ({ consents: await consents.mine(requireRoles(req, 'subject')) }),
  );

  app.get(
    '/api/consent/v1/consents/:id',
    {
      schema: {
        operationId: 'getConsent',
        response: { 200: consentSchema },
        summary: '授权书详情 one of my consents',
        params: id,
      },
    },
    async (req) => consents.get(requireRoles(req, 'subject'), req.params.id),
  );

  app.delete(
    '/api/consent/v1/consents/:id',
    {
      schema: {
        operationId: 'revokeConsent',
        response: { 200: consentSchema },
        summary: '撤回授权书 the data subject revokes a consent',
        params: id,
      },
    },
    async (req) => consents.revoke(requireRoles(req, 'subject'), req.params.id),
  );
}
