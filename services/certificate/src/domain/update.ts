/**
 * 更新: a new version of a certificate. The old version is superseded (its revocation bit set, so a
 * verifier holding the old one learns it is no longer current) and the new one is issued with the
 * same series, version + 1, `supersedes` naming the old identifier, and a fresh random status index
 * (reusing the old index would tie the two versions together in the published lists).
 */
import {
  certificateFacts,
  type IssueContext,
  type IssuedCertificate,
  type IssueInput,
  issueCertificate,
} from './certificate.js';
import { CertificateDomainError, certificateErrorCodes, refusal } from './errors.js';
import { parseIdentifier } from './identifier.js';
import { type Actor, type CertificateState, decide, issued, type LifecycleEvent } from './lifecycle.js';

export type UpdateResult =
  | {
      ok: true;
      old: CertificateState;
      next: CertificateState;
      certificate: IssuedCertificate;
      events: LifecycleEvent[];
    }
  | { ok: false; error: CertificateDomainError };

export function updateCertificate(
  old: CertificateState,
  input: Omit<IssueInput, 'year' | 'serial' | 'version' | 'supersedes'>,
  by: Actor,
  ctx: IssueContext,
): UpdateResult {
  const parts = parseIdentifier(old.id);
  if (!parts)
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.invalidIdentifier,
        'invalid',
        '证照标识无效',
        'invalid certificate identifier',
      ),
    };
  if (parts.typeCode !== input.type.typeCode || parts.issuerCode !== input.type.issuer.creditCode)
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.issuerMismatch,
        'forbidden',
        '更新须为同一发证单位的同类证照',
        'an update keeps the certificate type and issuer',
      ),
    };
  if (
    input.status.province === old.statusEntry.province &&
    input.status.list === old.statusEntry.list &&
    input.status.index === old.statusEntry.index
  )
    return {
      ok: false,
      error: refusal(
        certificateErrorCodes.invalidInput,
        'invalid',
        '新版本须使用新的状态索引',
        'a new version takes a new status index',
      ),
    };
  let certificate: IssuedCertificate;
  try {
    certificate = issueCertificate(
      { ...input, year: parts.year, serial: parts.serial, version: parts.version + 1, supersedes: old.id },
      ctx,
    );
  } catch (e) {
    if (e instanceof CertificateDomainError) return { ok: false, error: e };
    throw e;
  }
  const superseded = decide(old, { kind: 'supersede', by, newId: certificate.payload.id }, ctx);
  if (!superseded.ok) return superseded;
  const facts = certificateFacts(certificate.payload);
  const fresh = issued(
    {
      id: certificate.payload.id,
      series: facts.series,
      version: facts.version,
      status: facts.statusEntry,
      supersedes: old.id,
    },
    ctx,
  );
  return {
    ok: true,
    old: superseded.state,
    next: fresh.state,
    certificate,
    events: [...superseded.events, ...fresh.events],
  };
}
