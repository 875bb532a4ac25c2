/**
 * The crypto port of the 电子证照 domain. A province chooses its suite at setup: `ed25519-sha256`
 * (Ed25519 signatures, SHA-256 digests) or `sm2-sm3` (国密: SM2 signatures with SM3, SM3 digests).
 * The domain never touches a key: it asks a signer to sign and a verifier to verify and hash, so the
 * suite implementation (@yrd/crypto-suite, wired by the service) can change without touching this code.
 */

export const suites = ['ed25519-sha256', 'sm2-sm3'] as const;
export type Suite = (typeof suites)[number];

export function isSuite(v: unknown): v is Suite {
  return typeof v === 'string' && (suites as readonly string[]).includes(v);
}

/** The digest algorithm name a certificate writes in `sd_alg` for its suite (IANA style). */
export const digestAlgorithm: Record<Suite, 'sha-256' | 'sm3'> = { 'ed25519-sha256': 'sha-256', 'sm2-sm3': 'sm3' };

/** A private key held somewhere else (an HSM, a key file) under a key id. */
export interface SuiteSigner {
  suite: Suite;
  kid: string;
  /** the public key in the suite's published encoding (base64url SubjectPublicKeyInfo DER) */
  publicKey: string;
  sign(data: Uint8Array): Uint8Array;
}

/** Verifies signatures and hashes for either suite; needs no secret, so any verifier has one. */
export interface SuiteVerifier {
  verify(suite: Suite, data: Uint8Array, signature: Uint8Array, publicKey: string): boolean;
  hash(suite: Suite, data: Uint8Array): Uint8Array;
}
