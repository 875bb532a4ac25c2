/**
 * The refusal table of every consent route, through `http.inject()` into the service as built
 * (`buildConsent`: PGlite in memory, the testbed's nats-server, 浙江's catalogue), not listening.
 * Each row: who asks what, and the status and problem+json `code` it is refused with.
 */
import { generateProvinceKey, type Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { aDataItem, agencyCode, aPrincipal, aResource, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsent, type ConsentModule, type ConsentOptions } from './index.js';

const ZJ_PROVIDER = agencyCode('zj');
const ZJ_REQUESTER = agencyCode('zj', 3);

const conditional = aResource('zj', '330000-SCJG-00001', {
  provider: { creditCode: ZJ_PROVIDER, name: '浙江省市场监督管理局' },
  items: [aDataItem('company_name'), aDataItem('credit_code', { piiKind: 'credit_code' })],
});
const unconditional = aResource('zj', '330000-SCJG-00002', { sharingTier: 'unconditional' });
const notShared = aResource('zj', '330000-GAJ-00003', { sharingTier: 'none', legalBasis: '《居民身份证法》第六条' });

const users = {
  requester: aPrincipal({ province: 'zj', sub: 'zj-req', agency: ZJ_REQUESTER }),
  reviewer: aPrincipal({ province: 'zj', sub: 'zj-rev', agency: ZJ_PROVIDER, roles: ['reviewer'] }),
  /** a reviewer of an agency that neither asked nor provides */
  otherReviewer: aPrincipal({ province: 'zj', sub: 'zj-rev2', agency: agencyCode('zj', 2), roles: ['reviewer'] }),
  /** the data authority, which sees every grant of the province but revokes none of them */
  admin: aPrincipal({ province: 'zj', sub: 'zj-admin', agency: agencyCode('zj', 9), roles: ['admin', 'reviewer'] }),
  subject: aPrincipal({ province: 'zj', sub: 'zj-p1', agency: '', roles: ['subject'], kind: 'individual' }),
  otherSubject: aPrincipal({ province: 'zj', sub: 'zj-p2', agency: '', roles: ['subject'], kind: 'individual' }),
  shRequester: aPrincipal({ province: 'sh', sub: 'sh-req', agency: agencyCode('sh') }),
  shAdmin: aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin', 'reviewer'] }),
  shSubject: aPrincipal({ province: 'sh', sub: 'sh-p1', agency: '', roles: ['subject'], kind: 'individual' }),
};

const validUntil = new Date(Date.now() + 90 * 86400_000).toISOString();
const application = (o: Record<string, unknown> = {}) => ({
  resourceId: conditional.id,
  purpose: '企业开办审批',
  legalBasis: '《优化营商环境条例》',
  items: ['company_name'],
  validUntil,
  ...o,
});
const consent = (o: Record<string, unknown> = {}) => ({
  requesterAgency: ZJ_REQUESTER,
  requesterProvince: 'zj',
  resourceId: conditional.id,
  items: ['company_name'],
  purpose: '企业开办审批',
  validUntil,
  ...o,
});

/** What the rows refer to, made once through the routes themselves. */
interface Made {
  /** waiting for the provider's review */
  submitted: string;
  /** approved: its grant is `grant` */
  approved: string;
  grant: string;
  consent: string;
}

interface Row {
  label: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string | ((m: Made) => string);
  /** undefined: no token */
  as?: Principal;
  body?: unknown;
  status: number;
  code: string;
}

const A = '/api/consent/v1/applications';

const refusals: Row[] = [
  // POST /applications
  {
    label: 'apply without a token',
    method: 'POST',
    url: A,
    body: application(),
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'apply as a reviewer',
    method: 'POST',
    url: A,
    as: users.reviewer,
    body: application(),
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "apply at another province's service",
    method: 'POST',
    url: A,
    as: users.shRequester,
    body: application(),
    status: 403,
    code: 'CONSENT.WRONG_PROVINCE',
  },
  {
    label: 'apply with no purpose',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ purpose: undefined }),
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'apply with a validity that is not an instant',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ validUntil: 'next year' }),
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'apply for an entry the catalogue lacks',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ resourceId: 'zj.330000-SCJG-09999' }),
    status: 404,
    code: 'CONSENT.UNKNOWN_RESOURCE',
  },
  {
    label: 'apply for items the entry lacks',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ items: ['shoe_size'] }),
    status: 400,
    code: 'CONSENT.UNKNOWN_ITEM',
  },
  {
    label: 'apply for what is not shared',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ resourceId: notShared.id }),
    status: 403,
    code: 'CONSENT.NOT_SHARED',
  },
  {
    label: 'apply for what is shared unconditionally',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ resourceId: unconditional.id, items: ['company_name'] }),
    status: 409,
    code: 'CONSENT.NO_APPLICATION_NEEDED',
  },
  {
    label: 'apply for a past validity',
    method: 'POST',
    url: A,
    as: users.requester,
    body: application({ validUntil: '2020-01-01T00:00:00.000Z' }),
    status: 400,
    code: 'CONSENT.VALID_UNTIL_PAST',
  },

  // GET /applications/:id
  {
    label: 'read an application without a token',
    method: 'GET',
    url: (m) => `${A}/${m.submitted}`,
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'read an unknown application',
    method: 'GET',
    url: `${A}/zj-app-00000000-0000-0000-0000-000000000000`,
    as: users.requester,
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'read an id no province issues',
    method: 'GET',
    url: `${A}/nobody-app-1`,
    as: users.requester,
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: "read another agency's application",
    method: 'GET',
    url: (m) => `${A}/${m.submitted}`,
    as: users.otherReviewer,
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },

  // POST /applications/:id/decision
  {
    label: 'decide without a token',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    body: { decision: 'approve' },
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'decide as the requester',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    as: users.requester,
    body: { decision: 'approve' },
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: 'decide with an unknown decision',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    as: users.reviewer,
    body: { decision: 'maybe' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'reject without a reason',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    as: users.reviewer,
    body: { decision: 'reject', reason: ' ' },
    status: 400,
    code: 'CONSENT.REASON_REQUIRED',
  },
  {
    label: 'approve more requests per minute than asked',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    as: users.reviewer,
    body: { decision: 'approve', ratePerMinute: 61 },
    status: 400,
    code: 'CONSENT.RATE_ABOVE_REQUEST',
  },
  {
    label: "decide another agency's application (not visible to it)",
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    as: users.otherReviewer,
    body: { decision: 'approve' },
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'decide as the data authority, not the provider',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/decision`,
    as: users.admin,
    body: { decision: 'approve' },
    status: 403,
    code: 'CONSENT.NOT_YOUR_RESOURCE',
  },
  {
    label: 'decide an unknown application',
    method: 'POST',
    url: `${A}/zj-app-00000000-0000-0000-0000-000000000000/decision`,
    as: users.reviewer,
    body: { decision: 'approve' },
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'decide an application decided already',
    method: 'POST',
    url: (m) => `${A}/${m.approved}/decision`,
    as: users.reviewer,
    body: { decision: 'approve' },
    status: 409,
    code: 'CONSENT.ALREADY_DECIDED',
  },

  // POST /applications/:id/compliance
  {
    label: 'compliance review without a token',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/compliance`,
    body: { decision: 'pass' },
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'compliance review as a reviewer',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/compliance`,
    as: users.reviewer,
    body: { decision: 'pass' },
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: 'compliance review with an unknown decision',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/compliance`,
    as: users.admin,
    body: { decision: 'approve' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'compliance review of an unknown application',
    method: 'POST',
    url: `${A}/zj-app-00000000-0000-0000-0000-000000000000/compliance`,
    as: users.admin,
    body: { decision: 'pass' },
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'compliance review of an application past that stage',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/compliance`,
    as: users.admin,
    body: { decision: 'pass' },
    status: 409,
    code: 'CONSENT.WRONG_STAGE',
  },

  // POST /applications/:id/second-approval
  {
    label: 'second approval without a token',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/second-approval`,
    body: { decision: 'approve' },
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'second approval as a reviewer',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/second-approval`,
    as: users.reviewer,
    body: { decision: 'approve' },
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: 'second approval with an unknown decision',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/second-approval`,
    as: users.admin,
    body: { decision: 'pass' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'second approval of an unknown application',
    method: 'POST',
    url: `${A}/zj-app-00000000-0000-0000-0000-000000000000/second-approval`,
    as: users.admin,
    body: { decision: 'approve' },
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'second approval of an application the provider has not approved',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/second-approval`,
    as: users.admin,
    body: { decision: 'approve' },
    status: 409,
    code: 'CONSENT.WRONG_STAGE',
  },
  {
    label: 'second approval of an application decided already',
    method: 'POST',
    url: (m) => `${A}/${m.approved}/second-approval`,
    as: users.admin,
    body: { decision: 'approve' },
    status: 409,
    code: 'CONSENT.ALREADY_DECIDED',
  },

  // POST /applications/:id/coordination
  {
    label: 'ask for coordination without a token',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination`,
    body: { reason: '履职需要' },
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'ask for coordination as a reviewer',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination`,
    as: users.reviewer,
    body: { reason: '履职需要' },
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "ask for coordination at another province's service",
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination`,
    as: users.shRequester,
    body: { reason: '履职需要' },
    status: 403,
    code: 'CONSENT.WRONG_PROVINCE',
  },
  {
    label: 'ask for coordination with no reason field',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination`,
    as: users.requester,
    body: {},
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'ask for coordination of an unknown application',
    method: 'POST',
    url: `${A}/zj-app-00000000-0000-0000-0000-000000000000/coordination`,
    as: users.requester,
    body: { reason: '履职需要' },
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'ask for coordination of an application not rejected',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination`,
    as: users.requester,
    body: { reason: '履职需要' },
    status: 409,
    code: 'CONSENT.WRONG_STAGE',
  },

  // POST /applications/:id/coordination/decision
  {
    label: 'decide a coordination without a token',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination/decision`,
    body: { decision: 'approve', reason: '协调同意' },
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'decide a coordination as a reviewer',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination/decision`,
    as: users.reviewer,
    body: { decision: 'approve', reason: '协调同意' },
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: 'decide a coordination with a legal duty that is not a boolean',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination/decision`,
    as: users.admin,
    body: { decision: 'approve', reason: '协调同意', legalDuty: 'yes' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'decide the coordination of an unknown application',
    method: 'POST',
    url: `${A}/zj-app-00000000-0000-0000-0000-000000000000/coordination/decision`,
    as: users.admin,
    body: { decision: 'approve', reason: '协调同意' },
    status: 404,
    code: 'CONSENT.APPLICATION_NOT_FOUND',
  },
  {
    label: 'decide a coordination nobody asked for',
    method: 'POST',
    url: (m) => `${A}/${m.submitted}/coordination/decision`,
    as: users.admin,
    body: { decision: 'approve', reason: '协调同意' },
    status: 409,
    code: 'CONSENT.WRONG_STAGE',
  },

  // GET /applications (the worklist)
  { label: 'a worklist without a token', method: 'GET', url: A, status: 401, code: 'AUTH.MISSING_TOKEN' },
  {
    label: 'a worklist for a requester',
    method: 'GET',
    url: A,
    as: users.requester,
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "another province's worklist",
    method: 'GET',
    url: A,
    as: users.shAdmin,
    status: 403,
    code: 'CONSENT.WRONG_PROVINCE',
  },
  {
    label: 'a worklist of an unknown stage',
    method: 'GET',
    url: `${A}?status=pending`,
    as: users.admin,
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'a worklist with overdue neither true nor false',
    method: 'GET',
    url: `${A}?overdue=maybe`,
    as: users.admin,
    status: 400,
    code: 'REQUEST.INVALID',
  },

  // the rules
  {
    label: 'the rules without a token',
    method: 'GET',
    url: '/api/consent/v1/rules',
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'change the rules without a token',
    method: 'PUT',
    url: '/api/consent/v1/rules',
    body: { rules: {}, reason: '调整' },
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'change the rules as a reviewer',
    method: 'PUT',
    url: '/api/consent/v1/rules',
    as: users.reviewer,
    body: { rules: { responseDays: 5 }, reason: '调整' },
    status: 403,
    code: 'CONSENT.ADMIN_REQUIRED',
  },
  {
    label: "change another province's rules",
    method: 'PUT',
    url: '/api/consent/v1/rules',
    as: users.shAdmin,
    body: { rules: { responseDays: 5 }, reason: '调整' },
    status: 403,
    code: 'CONSENT.ADMIN_REQUIRED',
  },
  {
    label: 'change the rules to a deadline of no days',
    method: 'PUT',
    url: '/api/consent/v1/rules',
    as: users.admin,
    body: { rules: { responseDays: 0 }, reason: '调整' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'unmask a kind of personal data',
    method: 'PUT',
    url: '/api/consent/v1/rules',
    as: users.admin,
    body: { rules: { masking: { name: 'none' } }, reason: '调整' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'change the rules without a reason',
    method: 'PUT',
    url: '/api/consent/v1/rules',
    as: users.admin,
    body: { rules: { responseDays: 5 }, reason: '  ' },
    status: 400,
    code: 'CONSENT.REASON_REQUIRED',
  },
  {
    label: 'the rules history without a token',
    method: 'GET',
    url: '/api/consent/v1/rules/history',
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'a version of the rules without a token',
    method: 'GET',
    url: '/api/consent/v1/rules/versions/0',
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'a negative version of the rules',
    method: 'GET',
    url: '/api/consent/v1/rules/versions/-1',
    as: users.admin,
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'a version of the rules never made',
    method: 'GET',
    url: '/api/consent/v1/rules/versions/999',
    as: users.admin,
    status: 404,
    code: 'CONSENT.RULES_NOT_FOUND',
  },

  // grants
  {
    label: 'a grant without a token',
    method: 'GET',
    url: (m) => `/api/consent/v1/grants/${m.grant}`,
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'an unknown grant',
    method: 'GET',
    url: '/api/consent/v1/grants/zj-grant-00000000-0000-0000-0000-000000000000',
    as: users.requester,
    status: 404,
    code: 'CONSENT.GRANT_NOT_FOUND',
  },
  {
    label: 'a grant of other agencies (not visible)',
    method: 'GET',
    url: (m) => `/api/consent/v1/grants/${m.grant}`,
    as: users.otherReviewer,
    status: 404,
    code: 'CONSENT.GRANT_NOT_FOUND',
  },
  {
    label: 'revoke a grant without a token',
    method: 'DELETE',
    url: (m) => `/api/consent/v1/grants/${m.grant}`,
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'revoke a grant as the requester',
    method: 'DELETE',
    url: (m) => `/api/consent/v1/grants/${m.grant}`,
    as: users.requester,
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "revoke a grant of another agency's resource",
    method: 'DELETE',
    url: (m) => `/api/consent/v1/grants/${m.grant}`,
    as: users.admin,
    status: 403,
    code: 'CONSENT.NOT_YOUR_RESOURCE',
  },
  {
    label: 'revoke an unknown grant',
    method: 'DELETE',
    url: '/api/consent/v1/grants/zj-grant-00000000-0000-0000-0000-000000000000',
    as: users.reviewer,
    status: 404,
    code: 'CONSENT.GRANT_NOT_FOUND',
  },

  // consents
  {
    label: 'consent without a token',
    method: 'POST',
    url: '/api/consent/v1/consents',
    body: consent(),
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'consent as a requester',
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.requester,
    body: consent(),
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "consent at another province's service",
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.shSubject,
    body: consent(),
    status: 403,
    code: 'CONSENT.WRONG_PROVINCE',
  },
  {
    label: 'consent for a requester of no province',
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.subject,
    body: consent({ requesterProvince: 'xx' }),
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'consent for a fetch type that does not exist',
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.subject,
    body: consent({ fetchType: 'twice' }),
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'consent to an entry the catalogue lacks',
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.subject,
    body: consent({ resourceId: 'zj.330000-SCJG-09999' }),
    status: 404,
    code: 'CONSENT.UNKNOWN_RESOURCE',
  },
  {
    label: 'consent to items the entry lacks',
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.subject,
    body: consent({ items: ['shoe_size'] }),
    status: 400,
    code: 'CONSENT.UNKNOWN_ITEM',
  },
  {
    label: 'consent until a past date',
    method: 'POST',
    url: '/api/consent/v1/consents',
    as: users.subject,
    body: consent({ validUntil: '2020-01-01T00:00:00.000Z' }),
    status: 400,
    code: 'CONSENT.VALID_UNTIL_PAST',
  },
  {
    label: 'my consents without a token',
    method: 'GET',
    url: '/api/consent/v1/consents',
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'my consents as a requester',
    method: 'GET',
    url: '/api/consent/v1/consents',
    as: users.requester,
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "my consents at another province's service",
    method: 'GET',
    url: '/api/consent/v1/consents',
    as: users.shSubject,
    status: 403,
    code: 'CONSENT.WRONG_PROVINCE',
  },
  {
    label: 'a consent without a token',
    method: 'GET',
    url: (m) => `/api/consent/v1/consents/${m.consent}`,
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'a consent as a requester',
    method: 'GET',
    url: (m) => `/api/consent/v1/consents/${m.consent}`,
    as: users.requester,
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "another subject's consent",
    method: 'GET',
    url: (m) => `/api/consent/v1/consents/${m.consent}`,
    as: users.otherSubject,
    status: 404,
    code: 'CONSENT.CONSENT_NOT_FOUND',
  },
  {
    label: 'an unknown consent',
    method: 'GET',
    url: '/api/consent/v1/consents/zj-consent-00000000-0000-0000-0000-000000000000',
    as: users.subject,
    status: 404,
    code: 'CONSENT.CONSENT_NOT_FOUND',
  },
  {
    label: 'revoke a consent without a token',
    method: 'DELETE',
    url: (m) => `/api/consent/v1/consents/${m.consent}`,
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'revoke a consent as a reviewer',
    method: 'DELETE',
    url: (m) => `/api/consent/v1/consents/${m.consent}`,
    as: users.reviewer,
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: "revoke another subject's consent",
    method: 'DELETE',
    url: (m) => `/api/consent/v1/consents/${m.consent}`,
    as: users.otherSubject,
    status: 404,
    code: 'CONSENT.CONSENT_NOT_FOUND',
  },
  // GET /outgoing-applications (我的申请) and /outgoing-grants (我的授权)
  ...(['outgoing-applications', 'outgoing-grants'] as const).flatMap((what): Row[] => [
    {
      label: `${what} without a token`,
      method: 'GET',
      url: `/api/consent/v1/${what}`,
      status: 401,
      code: 'AUTH.MISSING_TOKEN',
    },
    {
      label: `${what} as a reviewer`,
      method: 'GET',
      url: `/api/consent/v1/${what}`,
      as: users.reviewer,
      status: 403,
      code: 'AUTH.ROLE_REQUIRED',
    },
    {
      label: `${what} as a data subject`,
      method: 'GET',
      url: `/api/consent/v1/${what}`,
      as: users.subject,
      status: 403,
      code: 'AUTH.ROLE_REQUIRED',
    },
    {
      label: `${what} at another province's service`,
      method: 'GET',
      url: `/api/consent/v1/${what}`,
      as: users.shRequester,
      status: 403,
      code: 'CONSENT.WRONG_PROVINCE',
    },
  ]),
  {
    label: 'outgoing applications in an unknown state',
    method: 'GET',
    url: '/api/consent/v1/outgoing-applications?status=pending',
    as: users.requester,
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    label: 'outgoing applications on page 0',
    method: 'GET',
    url: '/api/consent/v1/outgoing-applications?page=0',
    as: users.requester,
    status: 400,
    code: 'REQUEST.INVALID',
  },
  // GET /stats/applications (the 一网统管 overview)
  {
    label: 'application counts without a token',
    method: 'GET',
    url: '/api/consent/v1/stats/applications',
    status: 401,
    code: 'AUTH.MISSING_TOKEN',
  },
  {
    label: 'application counts as a data subject',
    method: 'GET',
    url: '/api/consent/v1/stats/applications',
    as: users.subject,
    status: 403,
    code: 'AUTH.ROLE_REQUIRED',
  },
  {
    label: 'application counts as another province’s admin',
    method: 'GET',
    url: '/api/consent/v1/stats/applications',
    as: users.shAdmin,
    status: 403,
    code: 'CONSENT.WRONG_PROVINCE',
  },
];

describe('consent routes refuse, through inject() into the built service', () => {
  let tb: Testbed;
  let catalog: RunningCatalog;
  let consentService: ConsentModule;
  const made = {} as Made;

  const call = async (method: Row['method'], url: string, as?: Principal, body?: unknown) => {
    const res = await consentService.http.inject({
      method,
      url,
      headers: as ? { authorization: `Bearer ${await tb.token(as)}` } : {},
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() };
  };
  const created = async (method: Row['method'], url: string, as: Principal, body?: unknown) => {
    const r = await call(method, url, as, body);
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body as Record<string, unknown>;
  };

  beforeAll(async () => {
    tb = await createTestbed();
    catalog = await tb.started(
      startCatalog(await tb.deps('zj'), {
        agencies: { nameOf: () => '某单位' },
        seed: [conditional, unconditional, notShared],
        resyncMs: 600_000,
      }),
    );
    const deps = await tb.deps('zj', { grpcAddress: { catalog: `127.0.0.1:${catalog.grpcPort}` } });
    consentService = await buildConsent(deps, { trust: tb.trust });
    tb.defer(async () => {
      await consentService.stop?.();
      await consentService.http.close();
    });

    made.submitted = String((await created('POST', A, users.requester, application())).id);
    made.approved = String((await created('POST', A, users.requester, application())).id);
    const decided = await created('POST', `${A}/${made.approved}/decision`, users.reviewer, { decision: 'approve' });
    made.grant = String((decided.grant as { id: string }).id);
    made.consent = String((await created('POST', '/api/consent/v1/consents', users.subject, consent())).id);
  });

  afterAll(() => tb?.close());

  it.each(refusals)('$label → $status $code', async ({ method, url, as, body, status, code }) => {
    const r = await call(method, typeof url === 'string' ? url : url(made), as, body);
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
    expect(r.type).toMatch(/^application\/problem\+json/);
    // every refusal says what is wrong in both languages
    expect(String(r.body.detail)).toMatch(/[\u4e00-\u9fff]/);
    expect(String(r.body.detail)).toMatch(/[A-Za-z]{3,}/);
  });

  it('refuses nothing the table does not name: the fixtures are what the rows say they are', async () => {
    expect((await call('GET', `${A}/${made.submitted}`, users.reviewer)).body).toMatchObject({ status: 'submitted' });
    expect((await call('GET', `${A}/${made.approved}`, users.requester)).body).toMatchObject({
      status: 'approved',
      grantId: made.grant,
    });
    expect((await call('GET', `/api/consent/v1/grants/${made.grant}`, users.admin)).status).toBe(200);
    expect((await call('GET', `/api/consent/v1/consents/${made.consent}`, users.subject)).status).toBe(200);
    // a same-province application is in 我的申请 too, with the state and the days left
    const mine = await call('GET', '/api/consent/v1/outgoing-applications', users.requester);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
    const byId = new Map(
      (mine.body.applications as { id: string; status: string; application?: Record<string, unknown> }[]).map((a) => [
        a.id,
        a,
      ]),
    );
    expect(byId.get(made.submitted)).toMatchObject({ status: 'submitted', unreachable: false });
    expect(byId.get(made.submitted)?.application?.workingDaysLeft).toBeGreaterThan(0);
    expect(byId.get(made.approved)).toMatchObject({ status: 'approved', application: { grantId: made.grant } });
    expect(byId.get(made.approved)?.application).not.toHaveProperty('workingDaysLeft');
    const grants = await call('GET', '/api/consent/v1/outgoing-grants', users.requester);
    expect(grants.body).toMatchObject({ grants: [{ id: made.grant, providerProvince: 'zj' }], unreachable: [] });
  });

  it('refuses options that would break the service, naming the option (zh + en)', async () => {
    const deps = await tb.deps('zj');
    const { publicJwk, privateJwk } = generateProvinceKey('zj');
    const seed = {
      subject: { sub: users.subject.sub },
      requesterAgency: ZJ_REQUESTER,
      requesterProvince: 'zj' as const,
      resourceId: conditional.id,
      items: ['company_name'],
      purpose: '企业开办审批',
      validUntil: 'soon',
    };
    const cases: [ConsentOptions, RegExp][] = [
      [{ trust: tb.trust, sweepMs: 0 }, /sweepMs/],
      [{ trust: tb.trust, revocationCatchUpMs: 1.5 }, /revocationCatchUpMs/],
      [{ trust: { ...tb.trust, zj: privateJwk } }, /trust\.zj: .*private key/],
      [{ trust: { ...tb.trust, zj: { ...publicJwk, x: 'short' } } }, /trust\.zj: /],
      [{ trust: tb.trust, seedConsents: [seed] }, /seedConsents\.0\.validUntil/],
    ];
    for (const [options, names] of cases) {
      const refused = buildConsent(deps, options);
      await expect(refused).rejects.toThrow(names);
      await expect(refused).rejects.toThrow(/授权服务选项无效 invalid consent service options/);
    }
  });
});
