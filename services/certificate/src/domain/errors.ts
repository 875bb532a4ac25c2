/**
 * Refusals of the 电子证照 domain: one error class with a stable string code (they travel in
 * problem+json bodies, gRPC details and audit records, so a code is never renamed, only added), a
 * kind the service maps to an HTTP/gRPC status, and a message in 中文 and English.
 */

export const certificateErrorKinds = ['invalid', 'forbidden', 'conflict', 'not_found'] as const;
export type CertificateErrorKind = (typeof certificateErrorKinds)[number];

export const certificateErrorCodes = {
  /** an input does not have the shape its zod schema describes */
  invalidInput: 'CERT.INVALID_INPUT',
  /** a certificate type (发证目录 entry) breaks a catalogue rule */
  invalidType: 'CERT.INVALID_TYPE',
  /** certificate data does not match its type's fields */
  invalidData: 'CERT.INVALID_DATA',
  /** the issuing agency is not the type's issuer */
  issuerMismatch: 'CERT.ISSUER_MISMATCH',
  /** the signing key's certificate does not cover this issuer, suite, role or time */
  keyNotCertified: 'CERT.KEY_NOT_CERTIFIED',
  invalidIdentifier: 'CERT.INVALID_IDENTIFIER',
  /** a transition from a state that does not allow it */
  cancelled: 'CERT.CANCELLED',
  superseded: 'CERT.SUPERSEDED',
  suspended: 'CERT.SUSPENDED',
  notSuspended: 'CERT.NOT_SUSPENDED',
  reasonRequired: 'CERT.REASON_REQUIRED',
  statusListFull: 'CERT.STATUS_LIST_FULL',
  statusListInvalid: 'CERT.STATUS_LIST_INVALID',
  /** the holder asked to disclose a field their certificate does not carry */
  unknownDisclosure: 'CERT.UNKNOWN_DISCLOSURE',
  presentationLifetime: 'CERT.PRESENTATION_LIFETIME',
  disputeNotOpen: 'CERT.DISPUTE_NOT_OPEN',
  disputeWrongCertificate: 'CERT.DISPUTE_WRONG_CERTIFICATE',
} as const;
export type CertificateErrorCode = (typeof certificateErrorCodes)[keyof typeof certificateErrorCodes];

/** A message a person may read, in both languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

export class CertificateDomainError extends Error {
  override readonly name = 'CertificateDomainError';

  constructor(
    readonly code: CertificateErrorCode,
    readonly kind: CertificateErrorKind,
    readonly reason: Bilingual,
    /** further facts, e.g. each rule an input breaks with its path */
    readonly details: readonly { path: string; message: string }[] = [],
  ) {
    super(`${reason.zh} ${reason.en}`);
  }
}

export const refusal = (
  code: CertificateErrorCode,
  kind: CertificateErrorKind,
  zh: string,
  en: string,
  details?: readonly { path: string; message: string }[],
): CertificateDomainError => new CertificateDomainError(code, kind, { zh, en }, details);

/** What a decider returns: the next state and what happened, or a typed refusal. */
export type Decision<S, E> = { ok: true; state: S; events: E[] } | { ok: false; error: CertificateDomainError };
