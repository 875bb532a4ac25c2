// Rule ids and reason codes are stable strings: they travel in problem+json bodies, gRPC details
// and audit records, so renaming one is a breaking change. Add, never rename.

export const ruleIds = {
  /** the request names a catalogue entry there is none of: nothing else can be judged */
  resource: 'R-RESOURCE',
  coreLocal: 'R-CORE-LOCAL',
  sharingNone: 'R-SHARING-NONE',
  negativeList: 'R-NEGATIVE-LIST',
  openTier: 'R-OPEN-TIER',
  mode: 'R-MODE',
  purpose: 'R-PURPOSE',
  grant: 'R-GRANT-REQUIRED',
  items: 'R-ITEMS',
  coreItem: 'R-CORE-ITEM',
  sensitiveConsent: 'R-SENSITIVE-CONSENT',
  /** the entry's own sharing conditions require the data subject's consent (须取得本人授权) */
  subjectConsent: 'R-SUBJECT-CONSENT',
  /** a consent named by a request is checked, whether or not the request needs one */
  consentOffered: 'R-CONSENT-OFFERED',
  mask: 'R-MASK',
} as const;
export type RuleId = (typeof ruleIds)[keyof typeof ruleIds];

/** Codes that refuse a request. */
export const denialCodes = {
  /** the catalogue has no published entry of that id (the exchange answers it as 404) */
  unknownResource: 'CONSENT.UNKNOWN_RESOURCE',
  coreDataLocal: 'CONSENT.CORE_DATA_LOCAL',
  notShared: 'CONSENT.NOT_SHARED',
  negativeList: 'CONSENT.NEGATIVE_LIST',
  notOpen: 'CONSENT.NOT_OPEN',
  modeNotAllowed: 'CONSENT.MODE_NOT_ALLOWED',
  purposeRequired: 'CONSENT.PURPOSE_REQUIRED',
  noGrant: 'CONSENT.NO_GRANT',
  grantMismatch: 'CONSENT.GRANT_MISMATCH',
  grantNotYours: 'CONSENT.GRANT_NOT_YOURS',
  grantRevoked: 'CONSENT.GRANT_REVOKED',
  grantExpired: 'CONSENT.GRANT_EXPIRED',
  modeNotGranted: 'CONSENT.MODE_NOT_GRANTED',
  purposeMismatch: 'CONSENT.PURPOSE_MISMATCH',
  itemsNotGranted: 'CONSENT.ITEMS_NOT_GRANTED',
  unknownItem: 'CONSENT.UNKNOWN_ITEM',
  noItems: 'CONSENT.NO_ITEMS',
  consentRequired: 'CONSENT.CONSENT_REQUIRED',
  legalDutyRequired: 'CONSENT.LEGAL_DUTY_REQUIRED',
  consentRevoked: 'CONSENT.CONSENT_REVOKED',
  consentExpired: 'CONSENT.CONSENT_EXPIRED',
  consentUsed: 'CONSENT.CONSENT_USED',
  consentNotYours: 'CONSENT.CONSENT_NOT_YOURS',
  consentResourceMismatch: 'CONSENT.CONSENT_RESOURCE_MISMATCH',
  consentPurposeMismatch: 'CONSENT.CONSENT_PURPOSE_MISMATCH',
  consentSubjectMismatch: 'CONSENT.CONSENT_SUBJECT_MISMATCH',
  itemsNotConsented: 'CONSENT.ITEMS_NOT_CONSENTED',
  /** the named consent does not exist (or its id is not one a province issues) */
  unknownConsent: 'CONSENT.UNKNOWN_CONSENT',
  /** the artefact the issuer returned does not verify against the issuer's key */
  consentSignatureInvalid: 'CONSENT.CONSENT_SIGNATURE_INVALID',
  /** a consent is named, but the request does not say whose data it is about */
  subjectRequired: 'CONSENT.SUBJECT_REQUIRED',
  /** a feed is about every subject of a resource; per-subject consent cannot cover it */
  consentNotSubscribable: 'CONSENT.CONSENT_NOT_SUBSCRIBABLE',
} as const;
export type DenialCode = (typeof denialCodes)[keyof typeof denialCodes];

/**
 * Codes no decision gives any more, kept so that older audit records still read as denials.
 * CONSENT_MISMATCH (rules 1.0.0) named a requester, resource or purpose mismatch alike; since 1.1.0
 * each has its own code (CONSENT_NOT_YOURS, CONSENT_RESOURCE_MISMATCH, CONSENT_PURPOSE_MISMATCH).
 */
export const retiredDenialCodes = {
  consentMismatch: 'CONSENT.CONSENT_MISMATCH',
} as const;

/** Codes that explain an allowed decision: its basis, and items dropped along the way. */
export const noteCodes = {
  granted: 'CONSENT.GRANTED',
  implicitGrant: 'CONSENT.IMPLICIT_GRANT',
  openData: 'CONSENT.OPEN_DATA',
  consented: 'CONSENT.CONSENTED',
  legalDuty: 'CONSENT.LEGAL_DUTY',
  itemCoreLocal: 'CONSENT.ITEM_CORE_LOCAL',
  itemNotOpen: 'CONSENT.ITEM_NOT_OPEN',
  itemNotInResource: 'CONSENT.ITEM_NOT_IN_RESOURCE',
} as const;
export type NoteCode = (typeof noteCodes)[keyof typeof noteCodes];

export type ReasonCode = DenialCode | NoteCode;

const denialCodeSet: ReadonlySet<string> = new Set(Object.values(denialCodes));

export function isDenialCode(code: string): code is DenialCode {
  return denialCodeSet.has(code);
}
