import { type HttpApp, principalOf, requireRoles } from '@yrd/http';
import { provinces } from '@yrd/region';
import { z } from 'zod';
import type { ConsentApp } from '../app/consent.js';
import { modes } from '../domain/index.js';

const id = z.object({ id: z.string().min(1).max(200) });
const itemNames = z.array(z.string().min(1).max(64)).min(1).max(500);
const instant = z.iso.datetime({ offset: true });

export const applicationBody = z.object({
  resourceId: z.string().min(1).max(200),
  purpose: z.string().trim().min(1).max(500),
  legalBasis: z.string().trim().min(1).max(2000),
  items: itemNames,
  validUntil: instant,
  modes: z.array(z.enum(modes)).min(1).default(['query']),
});

export const decisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(2000).default(''),
  /** the requester performs a statutory duty (履行法定职责), recorded on the grant */
  legalDuty: z.boolean().optional(),
});

export const consentBody = z.object({
  requesterAgency: z.string().min(1).max(50),
  requesterProvince: z.enum(provinces),
  resourceId: z.string().min(1).max(200),
  items: itemNames,
  purpose: z.string().trim().min(1).max(500),
  validUntil: instant,
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
