/**
 * The audit events (留痕) of the consent lifecycle. Each is a pure function of the stored fact, so
 * the same fact always yields the same event (and event id): a retry re-publishes, it never logs
 * twice. Events carry ids, stable codes and hashes — never purposes, reasons, legal-basis text or
 * names. An application is the request its events trace: `requestId` holds the application id, so
 * `?requestId=<application id>` at the provider's audit API returns submitted → decided → revoked.
 */
import { auditEvent, sha256Hex } from '@yrd/audit-events';
import type { Principal } from '@yrd/auth';
import type { auditV1, consentV1 } from '@yrd/proto';
import { type Province, provinceOfResourceId } from '@yrd/region';
import { canonicalJson, signedBytes } from './artefact.js';
import type { Application, Grant, StoredConsent } from './ports.js';

export const consentAuditKinds = {
  applicationSubmitted: 'consent.application.submitted',
  applicationApproved: 'consent.application.approved',
  applicationRejected: 'consent.application.rejected',
  /** other workflow steps: `consent.application.<action>` (compliance_passed, expired, …) */
  applicationStep: 'consent.application.',
  rulesChanged: 'consent.rules.changed',
  grantRevoked: 'consent.grant.revoked',
  consentCreated: 'consent.consent.created',
  consentRevoked: 'consent.consent.revoked',
} as const;

/** What a decision records instead of the reviewer's words (those stay in the application row). */
export const decisionCodes = {
  approved: 'CONSENT.APPLICATION_APPROVED',
  rejected: 'CONSENT.APPLICATION_REJECTED',
} as const;

const ofApplication = (province: Province, a: Application) => ({
  province,
  requestId: a.id,
  resourceId: a.resourceId,
  requesterProvince: a.requesterProvince,
  providerProvince: a.providerProvince,
  items: a.items,
  // the stored row, hashed: an auditor can check the row against the log without the log holding it
  payloadHash: sha256Hex(canonicalJson(a)),
});

/** At the provider, once the application is stored. */
export function applicationSubmitted(province: Province, a: Application): auditV1.AuditEvent {
  return auditEvent({
    ...ofApplication(province, a),
    eventId: `${a.id}:submitted`,
    kind: consentAuditKinds.applicationSubmitted,
    actorUser: a.requesterUser,
    actorAgency: a.requesterAgency,
    outcome: 'ok',
    occurredAt: a.createdAt,
  });
}

/**
 * At the provider, once the decision is stored. One event id per application whatever the
 * decision, so two racing reviewers can never put both an approval and a rejection on record.
 */
export function applicationDecided(province: Province, a: Application, reviewerAgency: string): auditV1.AuditEvent {
  const approved = a.status === 'approved';
  return auditEvent({
    ...ofApplication(province, a),
    eventId: `${a.id}:decided`,
    kind: approved ? consentAuditKinds.applicationApproved : consentAuditKinds.applicationRejected,
    actorUser: a.decidedBy,
    actorAgency: reviewerAgency,
    outcome: approved ? 'allow' : 'deny',
    code: approved ? decisionCodes.approved : decisionCodes.rejected,
    grantId: a.grantId,
    occurredAt: a.decidedAt,
  });
}

/**
 * At the provider, once a workflow step is stored. A step that ends the application (approved or
 * rejected, at whichever level) is its decision, under the one `:decided` id; a coordination's
 * outcome is `:coordinated`; every other step happens at most once and is named by its action.
 */
export function applicationStepped(
  province: Province,
  a: Application,
  step: consentV1.ApplicationStep,
): auditV1.AuditEvent {
  const coordinated = step.action.startsWith('coordinated_');
  const final = a.status === 'approved' || a.status === 'rejected';
  if (final && !coordinated) return applicationDecided(province, a, step.actorAgency);
  const approved = a.status === 'approved';
  return auditEvent({
    ...ofApplication(province, a),
    eventId: `${a.id}:${coordinated ? 'coordinated' : step.action}`,
    kind: final
      ? approved
        ? consentAuditKinds.applicationApproved
        : consentAuditKinds.applicationRejected
      : `${consentAuditKinds.applicationStep}${step.action}`,
    actorUser: step.actorUser,
    actorAgency: step.actorAgency,
    outcome: final ? (approved ? 'allow' : 'deny') : 'ok',
    ...(final ? { code: approved ? decisionCodes.approved : decisionCodes.rejected, grantId: a.grantId } : {}),
    occurredAt: step.at,
  });
}

/** At the province whose rules changed: the new version, hashed (the rules are not secret, but long). */
export function rulesChanged(
  province: Province,
  r: { version: number; changedBy: string; changedAt: string },
  agency: string,
  doc: unknown,
): auditV1.AuditEvent {
  return auditEvent({
    eventId: `${province}-rules:${r.version}`,
    province,
    kind: consentAuditKinds.rulesChanged,
    requestId: `${province}-rules-v${r.version}`,
    actorUser: r.changedBy,
    actorAgency: agency,
    outcome: 'ok',
    payloadHash: sha256Hex(canonicalJson(doc)),
    occurredAt: r.changedAt,
  });
}

/** At the provider, once the grant is revoked. */
export function grantRevoked(province: Province, g: Grant, by: Principal): auditV1.AuditEvent {
  return auditEvent({
    eventId: `${g.id}:revoked`,
    province,
    kind: consentAuditKinds.grantRevoked,
    requestId: g.applicationId,
    resourceId: g.resourceId,
    actorUser: by.sub,
    actorAgency: by.agency,
    requesterProvince: g.requesterProvince,
    providerProvince: province,
    outcome: 'ok',
    grantId: g.id,
    items: g.items,
    occurredAt: g.revokedAt,
  });
}

// The data subject acts on their own consent: `subjectRef` (a hash) names them, never their account.
const ofConsent = (province: Province, c: StoredConsent) => ({
  province,
  resourceId: c.resourceId,
  requesterProvince: c.requesterProvince,
  providerProvince: provinceOfResourceId(c.resourceId) ?? '',
  outcome: 'ok',
  subjectRef: c.subjectRef,
  consentId: c.id,
  items: c.items,
});

/** At the issuing province, once the signed consent is stored. */
export function consentCreated(province: Province, c: StoredConsent): auditV1.AuditEvent {
  return auditEvent({
    ...ofConsent(province, c),
    eventId: `${c.id}:created`,
    kind: consentAuditKinds.consentCreated,
    payloadHash: sha256Hex(signedBytes(c)),
    occurredAt: c.createdAt,
  });
}

/** At the issuing province, once the consent is revoked. */
export function consentRevoked(province: Province, c: StoredConsent): auditV1.AuditEvent {
  return auditEvent({
    ...ofConsent(province, c),
    eventId: `${c.id}:revoked`,
    kind: consentAuditKinds.consentRevoked,
    occurredAt: c.revokedAt,
  });
}
