// Rule ids and reason codes are stable strings: they travel in problem+json bodies, gRPC details
// and audit records, so renaming one is a breaking change. Add, never rename.

export const ruleIds = {
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
  mask: 'R-MASK',
} as const;
export type RuleId = (typeof ruleIds)[keyof typeof ruleIds];

/** Codes that refuse a request. */
export const denialCodes = {
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
  consentMismatch: 'CONSENT.CONSENT_MISMATCH',
  consentSubjectMismatch: 'CONSENT.CONSENT_SUBJECT_MISMATCH',
  itemsNotConsented: 'CONSENT.ITEMS_NOT_CONSENTED',
} as const;
export type DenialCode = (typeof denialCodes)[keyof typeof denialCodes];

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
