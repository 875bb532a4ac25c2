/**
 * The consent service's answers as the OpenAPI document describes them (response schemas only: they
 * document what the handlers return, see documentingSerializerCompiler in @yrd/http).
 */
import { provinces } from '@yrd/region';
import { z } from 'zod';
import { policyRulesInput } from '../domain/rules.js';

const step = z.object({
  seq: z.number().int(),
  action: z.string(),
  fromStatus: z.string(),
  toStatus: z.string(),
  actorUser: z.string(),
  actorAgency: z.string(),
  at: z.string(),
  reason: z.string(),
});

export const applicationSchema = z
  .object({
    id: z.string(),
    requesterUser: z.string(),
    requesterAgency: z.string(),
    requesterProvince: z.string(),
    resourceId: z.string(),
    resourceVersion: z.number().int(),
    providerProvince: z.string(),
    purpose: z.string(),
    legalBasis: z.string(),
    items: z.array(z.string()),
    modes: z.array(z.string()).describe('query | verify | subscribe'),
    validUntil: z.string(),
    status: z
      .string()
      .describe(
        'compliance_review 符合性审查 | submitted 待审核 | second_approval 二级审批 | coordination 协调 | approved | rejected | expired',
      ),
    reason: z.string(),
    decidedBy: z.string(),
    decidedAt: z.string(),
    grantId: z.string().describe('the grant an approval created; empty before'),
    dueAt: z.string().describe('the open stage’s deadline (working days under the rules)'),
    createdAt: z.string(),
    grade: z.string(),
    firstApprovedBy: z.string(),
    legalDuty: z.boolean(),
    coordinated: z.boolean(),
    escalated: z.boolean(),
    rulesVersion: z.number().int(),
    steps: z.array(step),
    overdue: z.boolean(),
    providerAgency: z.string(),
    ratePerMinute: z.number().int(),
    workingDaysLeft: z
      .number()
      .int()
      .nullable()
      .optional()
      .describe(
        'working days (the provider’s calendar) until the open stage’s due date; negative when overdue; absent once decided',
      ),
  })
  .meta({ id: 'Application' });

export const grantSchema = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    requesterAgency: z.string(),
    requesterProvince: z.string(),
    resourceId: z.string(),
    resourceVersion: z.number().int(),
    items: z.array(z.string()).readonly(),
    purpose: z.string(),
    modes: z.array(z.enum(['query', 'verify', 'subscribe'])).readonly(),
    validFrom: z.string(),
    validUntil: z.string(),
    status: z.enum(['active', 'revoked', 'expired']),
    legalDuty: z.boolean().optional().describe('履行法定职责'),
    revokedAt: z.string(),
    ratePerMinute: z.number().int(),
  })
  .meta({ id: 'Grant' });

const province = z.enum(provinces);

/** 我的申请: one of my agency's applications, with the provider's state. */
export const outgoingApplicationSchema = z
  .object({
    id: z.string(),
    providerProvince: province,
    resourceId: z.string(),
    resourceName: z.string().describe('the entry’s name in the regional catalogue; empty when it is gone'),
    providerAgencyName: z.string(),
    requesterAgency: z.string(),
    requesterUser: z.string(),
    submittedAt: z.string(),
    status: z.string().describe('the provider’s state, as read now or, when unreachable, as last read'),
    seenAt: z.string().describe('when the state was read from the provider'),
    unreachable: z.boolean().describe('the provider province did not answer: status is the last known'),
    application: applicationSchema.optional().describe('the application as the provider holds it'),
  })
  .meta({ id: 'OutgoingApplication' });

/** 我的授权: a grant my agency holds, with where it was granted. */
export const outgoingGrantSchema = grantSchema
  .extend({ providerProvince: province, resourceName: z.string(), providerAgencyName: z.string() })
  .meta({ id: 'OutgoingGrant' });

export const consentSchema = z
  .object({
    id: z.string(),
    subjectRef: z.string().describe('the hashed reference to the person, never the ID number'),
    subjectUser: z.string(),
    requesterAgency: z.string(),
    requesterProvince: z.string(),
    resourceId: z.string(),
    items: z.array(z.string()),
    purpose: z.string(),
    validUntil: z.string(),
    status: z.string().describe('active | revoked | expired'),
    signature: z.string().describe('base64url Ed25519 over the canonical JSON of the signed fields'),
    keyId: z.string(),
    createdAt: z.string(),
    revokedAt: z.string(),
    fetchType: z.string().describe('once | periodic'),
    alg: z.string(),
  })
  .meta({ id: 'Consent' });

export const rulesVersionSchema = z
  .object({
    version: z.number().int().describe('0: the defaults'),
    rules: policyRulesInput,
    changedBy: z.string(),
    changedAt: z.string(),
    reason: z.string(),
    changedFields: z.array(z.string()),
  })
  .meta({ id: 'RulesVersion' });

/** A decision on an application: the application as it now stands, and the grant an approval created. */
export const decidedApplicationSchema = z.object({
  application: applicationSchema,
  grant: grantSchema.optional().describe('present when the decision approved the application'),
});
