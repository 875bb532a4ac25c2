/**
 * The 电子证照 domain's crypto port (domain/suite.ts) on @yrd/crypto-suite: Ed25519 with SHA-256, or
 * SM2 with SM3 and the GM/T 0009 default ID. A public key travels as base64url SubjectPublicKeyInfo
 * DER; read back, an SM2 key is OpenSSL's SM2 type, which the suite signs and verifies as SM2.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { suite, suiteOfKey } from '@yrd/crypto-suite';
import type { Suite, SuiteSigner, SuiteVerifier } from '../domain/suite.js';

const spki = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).toString('base64url');

/** A signer over a private key the process holds (a key file; an HSM would implement the port itself). */
export function signerFromKey(kid: string, privateKey: KeyObject): SuiteSigner {
  const id = suiteOfKey(privateKey);
  const s = suite(id);
  return {
    suite: id,
    kid,
    publicKey: spki(createPublicKey(privateKey)),
    sign: (data) => new Uint8Array(s.sign(data, privateKey)),
  };
}

/** A new key pair's signer, for tests, seeds and key ceremonies. */
export function generateSigner(id: Suite, kid: string): SuiteSigner {
  return signerFromKey(kid, suite(id).generateKeyPair().privateKey);
}

/** Keys read once per encoding: a verifier sees the same few issuer keys again and again. */
const keys = new Map<string, KeyObject | null>();
function publicKeyOf(encoded: string): KeyObject | null {
  let key = keys.get(encoded);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.from(encoded, 'base64url'), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    if (keys.size > 10_000) keys.clear();
    keys.set(encoded, key);
  }
  return key;
}

export const cryptoVerifier: SuiteVerifier = {
  verify(id, data, signature, publicKey) {
    const key = publicKeyOf(publicKey);
    if (!key) return false;
    try {
      // a key of the other suite is not this signature's key
      if (suiteOfKey(key) !== id) return false;
      return suite(id).verify(data, key, signature);
    } catch {
      return false;
    }
  },
  hash: (id, data) => new Uint8Array(suite(id).hash(data)),
};
