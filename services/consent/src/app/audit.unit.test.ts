import { aPrincipal } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import {
  applicationDecided,
  applicationSubmitted,
  consentAuditKinds,
  consentCreated,
  consentRevoked,
  grantRevoked,
} from './audit.js';
import type { Application, Grant, StoredConsent } from './ports.js';

// free text and personal data that must never reach an audit event
const secrets = {
  purpose: '企业开办审批（张三名下）',
  legalBasis: '《优化营商环境条例》第二十条',
  reason: '材料不全，请补充法定代表人身份证复印件',
  subjectUser: 'sh-person-310101199001011234',
};

const anApplication = (o: Partial<Application> = {}): Application => ({
  id: 'zj-app-1',
  requesterUser: 'sh-u1',
  requesterAgency: '11310000000000001X',
  requesterProvince: 'sh',
  resourceId: 'zj.330000-SCJG-00001',
  resourceVersion: 1,
  providerProvince: 'zj',
  purpose: secrets.purpose,
  legalBasis: secrets.legalBasis,
  items: ['company_name', 'credit_code'],
  modes: ['query'],
  validUntil: '2026-01-01T00:00:00.000Z',
  status: 'submitted',
  reason: '',
  decidedBy: '',
  decidedAt: '',
  grantId: '',
  dueAt: '2025-01-15T00:00:00.000Z',
  createdAt: '2025-01-01T00:00:00.000Z',
  grade: 'general',
  firstApprovedBy: '',
  legalDuty: false,
  coordinated: false,
  escalated: false,
  rulesVersion: 0,
  steps: [],
  overdue: false,
  providerAgency: '11330000000000001X',
  ratePerMinute: 60,
  ...o,
});

const aGrant = (o: Partial<Grant> = {}): Grant => ({
  id: 'zj-grant-1',
  applicationId: 'zj-app-1',
  requesterAgency: '11310000000000001X',
  requesterProvince: 'sh',
  resourceId: 'zj.330000-SCJG-00001',
  resourceVersion: 1,
  items: ['company_name'],
  purpose: secrets.purpose,
  modes: ['query'],
  validFrom: '2025-01-02T00:00:00.000Z',
  validUntil: '2026-01-01T00:00:00.000Z',
  status: 'revoked',
  legalDuty: false,
  revokedAt: '2025-02-01T00:00:00.000Z',
  ratePerMinute: 60,
  ...o,
});

const aConsent = (o: Partial<StoredConsent> = {}): StoredConsent => ({
  id: 'sh-consent-1',
  subjectRef: 'a'.repeat(64),
  subjectUser: secrets.subjectUser,
  requesterAgency: '11310000000000001X',
  requesterProvince: 'sh',
  resourceId: 'zj.330000-SCJG-00001',
  items: ['legal_rep_id'],
  purpose: secrets.purpose,
  validUntil: '2026-01-01T00:00:00.000Z',
  status: 'active',
  signature: 'sig',
  keyId: 'sh-1',
  createdAt: '2025-01-03T00:00:00.000Z',
  revokedAt: '',
  fetchType: 'periodic',
  alg: 'Ed25519',
  ...o,
});

const reviewer = aPrincipal({ province: 'zj', sub: 'zj-r1', agency: '11330000000000001X', roles: ['reviewer'] });
const approved = anApplication({
  status: 'approved',
  decidedBy: 'zj-r1',
  decidedAt: '2025-01-02T00:00:00.000Z',
  grantId: 'zj-grant-1',
  reason: secrets.reason,
});
const rejected = anApplication({
  status: 'rejected',
  decidedBy: 'zj-r1',
  decidedAt: '2025-01-02T00:00:00.000Z',
  reason: secrets.reason,
});

const cases = [
  {
    ev: applicationSubmitted('zj', anApplication()),
    expected: {
      eventId: 'zj-app-1:submitted',
      kind: consentAuditKinds.applicationSubmitted,
      requestId: 'zj-app-1',
      actorUser: 'sh-u1',
      outcome: 'ok',
      occurredAt: '2025-01-01T00:00:00.000Z',
    },
  },
  {
    ev: applicationDecided('zj', approved, reviewer.agency),
    expected: {
      eventId: 'zj-app-1:decided',
      kind: consentAuditKinds.applicationApproved,
      outcome: 'allow',
      code: 'CONSENT.APPLICATION_APPROVED',
      grantId: 'zj-grant-1',
      actorUser: 'zj-r1',
      actorAgency: reviewer.agency,
      occurredAt: '2025-01-02T00:00:00.000Z',
    },
  },
  {
    ev: applicationDecided('zj', rejected, reviewer.agency),
    expected: {
      eventId: 'zj-app-1:decided',
      kind: consentAuditKinds.applicationRejected,
      outcome: 'deny',
      code: 'CONSENT.APPLICATION_REJECTED',
      grantId: '',
    },
  },
  {
    ev: grantRevoked('zj', aGrant(), reviewer),
    expected: {
      eventId: 'zj-grant-1:revoked',
      kind: consentAuditKinds.grantRevoked,
      requestId: 'zj-app-1',
      grantId: 'zj-grant-1',
      actorUser: 'zj-r1',
      occurredAt: '2025-02-01T00:00:00.000Z',
    },
  },
  {
    ev: consentCreated('sh', aConsent()),
    expected: {
      eventId: 'sh-consent-1:created',
      kind: consentAuditKinds.consentCreated,
      province: 'sh',
      providerProvince: 'zj',
      consentId: 'sh-consent-1',
      subjectRef: 'a'.repeat(64),
      actorUser: '',
    },
  },
  {
    ev: consentRevoked('sh', aConsent({ status: 'revoked', revokedAt: '2025-01-04T00:00:00.000Z' })),
    expected: {
      eventId: 'sh-consent-1:revoked',
      kind: consentAuditKinds.consentRevoked,
      consentId: 'sh-consent-1',
      occurredAt: '2025-01-04T00:00:00.000Z',
    },
  },
];

describe('consent audit events', () => {
  it.each(cases)('$expected.eventId ($expected.kind) records ids, codes and hashes only', ({ ev, expected }) => {
    expect(ev).toMatchObject(expected);
    const text = JSON.stringify(ev);
    for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    expect(ev.payloadHash).toMatch(/^([0-9a-f]{64})?$/);
  });

  it('derives the same event from the same fact, so a retry re-publishes rather than logs twice', () => {
    expect(applicationDecided('zj', approved, reviewer.agency)).toEqual(
      applicationDecided('zj', { ...approved }, reviewer.agency),
    );
    expect(applicationSubmitted('zj', anApplication()).payloadHash).not.toBe(
      applicationSubmitted('zj', anApplication({ purpose: 'another purpose' })).payloadHash,
    );
  });
});
