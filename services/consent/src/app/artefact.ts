/**
 * Canonical bytes: what a consent artefact's signature covers, and what audit events of consent facts
 * hash. The encoder is @yrd/canonical's (RFC 8785); artefacts signed by the lenient encoder it
 * replaced still verify (artefact.unit.test.ts says why).
 */
import { canonicalJson } from '@yrd/canonical';
import type { consentV1 } from '@yrd/proto';

export { canonicalJson };

/** The fields of a consent artefact its issuing province signs (status changes; it is not signed). */
function signedPart(c: consentV1.ConsentArtefact) {
  return {
    id: c.id,
    subjectRef: c.subjectRef,
    requesterAgency: c.requesterAgency,
    requesterProvince: c.requesterProvince,
    resourceId: c.resourceId,
    items: c.items,
    purpose: c.purpose,
    validUntil: c.validUntil,
    createdAt: c.createdAt,
    keyId: c.keyId,
    // signed when set; artefacts issued before these fields existed keep their signatures
    ...(c.fetchType ? { fetchType: c.fetchType } : {}),
    ...(c.alg ? { alg: c.alg } : {}),
  };
}

/** What the issuing province signs, and what a `consent.consent.created` audit event hashes. */
export function signedBytes(c: consentV1.ConsentArtefact): string {
  return canonicalJson(signedPart(c));
}
