// A crypto suite is everything a province signs and hashes with, chosen once at setup:
//
//   ed25519-sha256  Ed25519 (RFC 8032) signatures, SHA-256 hashing — what the platform used so far.
//   sm2-sm3         国密: SM2 signatures (GB/T 32918.2 / GM/T 0003.2) with SM3 and the GM/T 0009
//                   default identifier 1234567812345678, SM3 hashing (GB/T 32905 / GM/T 0004).
//
// It covers certificate signatures, consent artefacts, signed tree heads and co-signatures, and
// province tokens (see jws.ts). A log keeps the hash it was created with, so its Merkle hashing
// (RFC 6962: leaf = H(0x00 ‖ entry), node = H(0x01 ‖ left ‖ right)) comes from the suite too; for
// ed25519-sha256 it is byte for byte what services/audit/src/domain/merkle.ts computes today.
// Signatures on the wire: Ed25519 64 bytes; SM2 r ‖ s, 64 bytes (see sm2.ts for why and how).
import { createHash, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { cryptoErrors } from './errors.js';
import { assertKey, isSuiteId, type SuiteId, sm2KeyPair, sm2PointOf, sm2ScalarOf } from './keys.js';
import { isSm2PrivateScalar, type Sm2Signer, sm2Sign, sm2Signer, sm2Verify, sm2Za, toBigInt } from './sm2.js';

export interface CryptoSuite {
  readonly id: SuiteId;
  /** node:crypto name of the suite's hash */
  readonly hashName: 'sha256' | 'sm3';
  /** JWS `alg` of the suite's signatures (jws.ts) */
  readonly jwsAlg: JwsAlg;
  /** H(data), 32 bytes */
  hash(data: Uint8Array): Buffer;
  /** RFC 6962 leaf hash H(0x00 ‖ entry) */
  leafHash(entry: Uint8Array): Buffer;
  /** RFC 6962 interior node hash H(0x01 ‖ left ‖ right) */
  nodeHash(left: Uint8Array, right: Uint8Array): Buffer;
  /** RFC 6962 MTH of the empty tree: H("") */
  readonly emptyRoot: Buffer;
  generateKeyPair(): { publicKey: KeyObject; privateKey: KeyObject };
  /** A 64-byte signature; refuses a key of another suite. */
  sign(data: Uint8Array, privateKey: KeyObject): Buffer;
  /** false for a wrong signature (any length); refuses a key of another suite. */
  verify(data: Uint8Array, publicKey: KeyObject, signature: Uint8Array): boolean;
}

/** JWS `alg` per suite: EdDSA (RFC 8037); SM2SM3 is this platform's name, no registered one exists. */
export const jwsAlgs = { 'ed25519-sha256': 'EdDSA', 'sm2-sm3': 'SM2SM3' } as const;
export type JwsAlg = (typeof jwsAlgs)[SuiteId];

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

function hasher(name: 'sha256' | 'sm3') {
  return (...parts: Uint8Array[]): Buffer => {
    const h = createHash(name);
    for (const p of parts) h.update(p);
    return h.digest();
  };
}

function merkle(name: 'sha256' | 'sm3') {
  const h = hasher(name);
  return {
    hashName: name,
    hash: (data: Uint8Array) => h(data),
    leafHash: (entry: Uint8Array) => h(LEAF, entry),
    nodeHash: (left: Uint8Array, right: Uint8Array) => h(NODE, left, right),
    emptyRoot: h(),
  };
}

const ed25519Sha256: CryptoSuite = {
  id: 'ed25519-sha256',
  jwsAlg: jwsAlgs['ed25519-sha256'],
  ...merkle('sha256'),
  generateKeyPair: () => generateKeyPairSync('ed25519'),
  sign(data, privateKey) {
    assertKey(privateKey, 'ed25519-sha256', 'private');
    return sign(null, data, privateKey);
  },
  verify(data, publicKey, signature) {
    assertKey(publicKey, 'ed25519-sha256', 'public');
    return signature.length === 64 && verify(null, data, publicKey, signature);
  },
};

// Per-key values SM2 needs (signing: d, (1+d)⁻¹, Z_A; verifying: the point and Z_A), derived once.
const signers = new WeakMap<KeyObject, Sm2Signer>();
const verifiers = new WeakMap<KeyObject, { point: Buffer; za: Buffer }>();

function sm2SignerOf(key: KeyObject): Sm2Signer {
  let s = signers.get(key);
  if (!s) {
    const d = toBigInt(sm2ScalarOf(key));
    // OpenSSL takes any d in [1, n−1]; SM2 signing needs 1 + d invertible, so d = n−1 is refused
    if (!isSm2PrivateScalar(d)) throw cryptoErrors.keyInvalid('SM2 private key out of range');
    s = sm2Signer(d, sm2PointOf(key));
    signers.set(key, s);
  }
  return s;
}

function sm2VerifierOf(key: KeyObject): { point: Buffer; za: Buffer } {
  let v = verifiers.get(key);
  if (!v) {
    const point = sm2PointOf(key);
    v = { point, za: sm2Za(point) };
    verifiers.set(key, v);
  }
  return v;
}

const sm2Sm3: CryptoSuite = {
  id: 'sm2-sm3',
  jwsAlg: jwsAlgs['sm2-sm3'],
  ...merkle('sm3'),
  generateKeyPair: sm2KeyPair,
  sign(data, privateKey) {
    assertKey(privateKey, 'sm2-sm3', 'private');
    return sm2Sign(sm2SignerOf(privateKey), data);
  },
  verify(data, publicKey, signature) {
    assertKey(publicKey, 'sm2-sm3', 'public');
    const { point, za } = sm2VerifierOf(publicKey);
    return sm2Verify(point, data, signature, za);
  },
};

const suites: Record<SuiteId, CryptoSuite> = { 'ed25519-sha256': ed25519Sha256, 'sm2-sm3': sm2Sm3 };

export function suite(id: SuiteId): CryptoSuite {
  if (!isSuiteId(id)) throw cryptoErrors.unknownSuite(id);
  return suites[id];
}
