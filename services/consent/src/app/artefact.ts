/**
 * Canonical bytes: what a consent artefact's signature covers, and what audit events of consent facts
 * hash. The encoder is @yrd/canonical's (RFC 8785); artefacts signed by the lenient encoder it
 * replaced still verify (artefact.unit.test.ts says why).
 *
 * The signature is in the issuing province's crypto suite (@yrd/crypto-suite): `alg` 'Ed25519' for
 * ed25519-sha256, 'SM2' (SM2 with SM3 and the default identifier, r ‖ s) for sm2-sm3. `alg` is among
 * the signed fields, and an artefact is checked with the issuer's key from the trust list only when
 * the key is of the suite `alg` names: any province checks any other's artefacts, whatever its own suite.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '@yrd/canonical';
import { type SuiteId, suite, suiteOfKey } from '@yrd/crypto-suite';
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

/** An artefact's `alg` per suite. */
export const artefactAlgs = { 'ed25519-sha256': 'Ed25519', 'sm2-sm3': 'SM2' } as const satisfies Record<
  SuiteId,
  string
>;

/** The suite an artefact's `alg` names; '' is an artefact issued before `alg` existed, always Ed25519. */
function suiteOfAlg(alg: string): SuiteId | undefined {
  if (alg === '' || alg === artefactAlgs['ed25519-sha256']) return 'ed25519-sha256';
  if (alg === artefactAlgs['sm2-sm3']) return 'sm2-sm3';
  return undefined;
}

/**
 * Signs an artefact with the issuing province's private key: `alg` is set from the key's suite before
 * the bytes are taken, so it is signed too. The artefact's other fields, `keyId` included, are the caller's.
 */
export function signArtefact(unsigned: consentV1.ConsentArtefact, privateKey: KeyObject): consentV1.ConsentArtefact {
  const s = suite(suiteOfKey(privateKey));
  const withAlg = { ...unsigned, alg: artefactAlgs[s.id], signature: '' };
  const signature = s.sign(Buffer.from(signedBytes(withAlg)), privateKey).toString('base64url');
  return { ...withAlg, signature };
}

/**
 * Whether an artefact's signature verifies against its issuer's public key. False, never a throw, for
 * an unknown `alg`, an `alg` of another suite than the key's, a malformed or missing signature.
 */
export function verifyArtefact(c: consentV1.ConsentArtefact, publicKey: KeyObject): boolean {
  try {
    const id = suiteOfAlg(c.alg);
    if (!id || suiteOfKey(publicKey) !== id || publicKey.type !== 'public') return false;
    if (typeof c.signature !== 'string' || !/^[A-Za-z0-9_-]+$/.test(c.signature)) return false;
    const signature = Buffer.from(c.signature, 'base64url');
    if (signature.toString('base64url') !== c.signature) return false;
    return suite(id).verify(Buffer.from(signedBytes(c)), publicKey, signature);
  } catch {
    return false;
  }
}
