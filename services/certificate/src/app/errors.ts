/**
 * The service's refusals beside the domain's (domain/errors.ts): the same CERT.* code space, each
 * message in 中文 and English, and the mapping of a domain refusal to the platform's AppError.
 */
import { AppError, type ErrorKind } from '@yrd/errors';
import { CertificateDomainError } from '../domain/errors.js';

export const serviceCodes = {
  typeNotFound: 'CERT.TYPE_NOT_FOUND',
  typeExists: 'CERT.TYPE_EXISTS',
  notIssuerStaff: 'CERT.NOT_ISSUER_STAFF',
  notFound: 'CERT.NOT_FOUND',
  noSubjectRef: 'CERT.NO_SUBJECT_REF',
  notPresentable: 'CERT.NOT_PRESENTABLE',
  invalidHolder: 'CERT.INVALID_HOLDER',
  statusListNotFound: 'CERT.STATUS_LIST_NOT_FOUND',
  concurrentChange: 'CERT.CONCURRENT_CHANGE',
  serviceNotFound: 'CERT.SERVICE_NOT_FOUND',
  serviceRequired: 'CERT.SERVICE_REQUIRED',
  notOnServiceList: 'CERT.NOT_ON_SERVICE_LIST',
  notAuthorised: 'CERT.NOT_AUTHORISED',
  authorisationNotFound: 'CERT.AUTHORISATION_NOT_FOUND',
  authorisationInvalid: 'CERT.AUTHORISATION_INVALID',
  disputeNotFound: 'CERT.DISPUTE_NOT_FOUND',
  notAParty: 'CERT.NOT_A_PARTY',
  foreignMaterialInvalid: 'CERT.FOREIGN_MATERIAL_INVALID',
  unknownType: 'CERT.UNKNOWN_TYPE',
} as const;

export const refuse = (kind: ErrorKind, code: string, zh: string, en: string, details?: Record<string, unknown>) =>
  new AppError(kind, code, `${zh} ${en}`, details ? { details } : {});

/** A domain refusal as the platform's error (its code, kind and both messages; its issues as details). */
export function fromDomain(err: CertificateDomainError): AppError {
  return new AppError(err.kind, err.code, `${err.reason.zh} ${err.reason.en}`, {
    ...(err.details.length > 0 ? { details: { issues: err.details } } : {}),
  });
}

/** Runs `fn`; a domain refusal it throws leaves as an AppError. */
export async function domainCall<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CertificateDomainError) throw fromDomain(err);
    throw err;
  }
}
