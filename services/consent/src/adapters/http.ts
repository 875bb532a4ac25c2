import { type HttpApp, principalOf, requireRoles } from '@yrd/http';
import { isoDateTime } from '@yrd/http/dates';
import { provinces } from '@yrd/region';
import { z } from 'zod';
import type { ConsentApp } from '../app/consent.js';
import { modes } from '../domain/index.js';
import { policyRulesInput } from '../domain/rules.js';
import { applicationStatuses } from '../domain/workflow.js';

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

export function consentRoutes(app: HttpApp, consent: ConsentApp) {
  app.post(
    '/api/consent/v1/applications',
    { schema: { summary: '共享申请 a requester applies for a conditional resource', body: applicationBody } },
    async (req, reply) => {
      const by = requireRoles(req, 'requester');
      const created = await consent.submitApplication(by, req.body);
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/api/consent/v1/applications/:id',
    { schema: { summary: '申请详情 one application (read from the provider province)', params: id } },
    async (req) => consent.getApplication(principalOf(req), req.params.id),
  );

  app.post(
    '/api/consent/v1/applications/:id/decision',
    { schema: { summary: '审核 the provider’s reviewer approves or rejects', params: id, body: decisionBody } },
    async (req) => consent.decideApplication(requireRoles(req, 'reviewer'), req.params.id, req.body),
  );

  app.post(
    '/api/consent/v1/applications/:id/compliance',
    {
      schema: {
        summary: '符合性审查 the data authority passes an application on to the provider, or fails it with a reason',
        params: id,
        body: reasoned(['pass', 'fail'] as const),
      },
    },
    async (req) =>
      consent.complianceReview(requireRoles(req, 'admin'), req.params.id, {
        decision: req.body.decision,
        reason: req.body.reason,
      }),
  );

  app.post(
    '/api/consent/v1/applications/:id/second-approval',
    {
      schema: {
        summary: '二级审批 the data authority approves important data after the provider, or refuses with a reason',
        params: id,
        body: reasoned(['approve', 'reject'] as const),
      },
    },
    async (req) =>
      consent.secondApproval(requireRoles(req, 'admin'), req.params.id, {
        decision: req.body.decision,
        reason: req.body.reason,
      }),
  );

  app.post(
    '/api/consent/v1/applications/:id/coordination',
    {
      schema: {
        summary: '申请协调 after a rejection, the requester asks the data authority to coordinate, citing its duty',
        params: id,
        body: z.object({ reason: z.string().max(2000) }),
      },
    },
    async (req) => consent.requestCoordination(requireRoles(req, 'requester'), req.params.id, req.body.reason),
  );

  app.post(
    '/api/consent/v1/applications/:id/coordination/decision',
    {
      schema: {
        summary: '协调结论 the data authority decides a coordination or an overdue, escalated application',
        params: id,
        body: reasoned(['approve', 'reject'] as const).extend({ legalDuty: z.boolean().optional() }),
      },
    },
    async (req) =>
      consent.coordinate(requireRoles(req, 'admin'), req.params.id, {
        decision: req.body.decision,
        reason: req.body.reason,
        ...(req.body.legalDuty === undefined ? {} : { legalDuty: req.body.legalDuty }),
      }),
  );

  app.get(
    '/api/consent/v1/applications',
    {
      schema: {
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
    async (req) => ({ applications: await consent.listApplications(principalOf(req), req.query) }),
  );

  app.get(
    '/api/consent/v1/rules',
    { schema: { summary: '管理规则 the province’s rules in force, with their version' } },
    async () => consent.rules(),
  );

  app.put(
    '/api/consent/v1/rules',
    {
      schema: {
        summary: '修改规则 the province admin changes the rules: a new version, kept and audited',
        body: rulesBody,
      },
    },
    async (req) => consent.updateRules(principalOf(req), req.body.rules, req.body.reason),
  );

  app.get(
    '/api/consent/v1/rules/history',
    { schema: { summary: '规则变更记录 every version of the rules: who, when, why, what changed' } },
    async () => ({ versions: await consent.rulesHistory() }),
  );

  app.get(
    '/api/consent/v1/rules/versions/:version',
    {
      schema: {
        summary: '历史规则 one version of the rules (0: the defaults)',
        params: z.object({ version: z.coerce.number().int().min(0) }),
      },
    },
    async (req) => consent.rulesAt(req.params.version),
  );

  app.get('/api/consent/v1/grants/:id', { schema: { summary: '授权详情 one grant', params: id } }, async (req) =>
    consent.getGrant(principalOf(req), req.params.id),
  );

  app.delete(
    '/api/consent/v1/grants/:id',
    { schema: { summary: '撤销授权 the provider’s reviewer revokes a grant', params: id } },
    async (req) => consent.revokeGrant(requireRoles(req, 'reviewer'), req.params.id),
  );

  app.post(
    '/api/consent/v1/consents',
    { schema: { summary: '出具授权书 a data subject consents', body: consentBody } },
    async (req, reply) => {
      const created = await consent.createConsent(requireRoles(req, 'subject'), req.body);
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/api/consent/v1/consents',
    { schema: { summary: '我的授权书 a data subject lists their consents' } },
    async (req) => ({ consents: await consent.myConsents(requireRoles(req, 'subject')) }),
  );

  app.get(
    '/api/consent/v1/consents/:id',
    { schema: { summary: '授权书详情 one of my consents', params: id } },
    async (req) => consent.getConsent(requireRoles(req, 'subject'), req.params.id),
  );

  app.delete(
    '/api/consent/v1/consents/:id',
    { schema: { summary: '撤回授权书 the data subject revokes a consent', params: id } },
    async (req) => consent.revokeConsent(requireRoles(req, 'subject'), req.params.id),
  );
}
