// Signed tree heads (STH). A head is signed as a C2SP checkpoint (see note.ts); heads signed by earlier
// versions (no `format`) were signed over `yrd-sth-v1` bytes and still verify. Pure functions: the
// timestamp is supplied by the caller.
//
// A head names its log's suite (`suite`; absent: ed25519-sha256, every head before suites existed),
// which fixes the hash its root is in (SHA-256 or SM3), and is signed with the province's key: `alg`
// Ed25519 or SM2 (SM2 with SM3 and the default identifier, r ‖ s; @yrd/crypto-suite). A log keeps the
// suite it was created with, so after a province changes its key to another suite its heads carry
// the new `alg` and the old `suite`.
import type { KeyObject } from 'node:crypto';
import { suite as cryptoSuite, type SuiteId, suiteOfKey } from '@yrd/crypto-suite';
import { type TreeHasher, treeHasherOf } from './merkle.js';
import { checkpointText } from './note.js';
import { canonicalJson } from './record.js';

export interface TreeHead {
  /** The province whose log this is. */
  province: string;
  /** Number of leaves covered. */
  size: number;
  /** RFC 6962 MTH of the first `size` leaves, 64 lowercase hex characters. */
  rootHash: string;
  /** ISO 8601 time the head was issued, e.g. 2025-01-31T08:00:00.000Z. */
  timestamp: string;
}

/** Signature algorithms a head can carry: Ed25519, and SM2 (GB/T 32918, with SM3) for an sm2-sm3 key. */
export type TreeHeadAlg = 'Ed25519' | 'SM2';

/** A head's `alg` for a key of each suite. */
export const headAlgs = { 'ed25519-sha256': 'Ed25519', 'sm2-sm3': 'SM2' } as const satisfies Record<
  SuiteId,
  TreeHeadAlg
>;

/** The suite of a head's log: its `suite`, or ed25519-sha256 for a head from before suites. */
export function headSuite(h: { suite?: SuiteId | undefined }): SuiteId {
  return h.suite ?? 'ed25519-sha256';
}

/** The Merkle hash of a head's log (SHA-256 or SM3). */
export function headTreeHasher(h: { suite?: SuiteId | undefined }): TreeHasher {
  return treeHasherOf(headSuite(h));
}

export interface SignedTreeHead extends TreeHead {
  alg: TreeHeadAlg;
  /** Identifies the signing key in the regional trust list (e.g. `sh-1`); signed, as part of the checkpoint. */
  keyId: string;
  /**
   * The Ed25519 signature, base64url without padding: over the checkpoint text (`format: 'checkpoint'`),
   * or over treeHeadBytes(head) for a head of an earlier version (no format).
   */
  signature: string;
  /** `checkpoint`: signed as a C2SP checkpoint. Absent: an earlier version's `yrd-sth-v1` head. */
  format?: 'checkpoint';
  /** the log's suite (its Merkle hash); absent: ed25519-sha256. In the checkpoint text when not the default. */
  suite?: SuiteId;
}

export const TREE_HEAD_DOMAIN = 'yrd-sth-v1\n';

const HEX_HASH = /^[0-9a-f]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Throws TypeError unless `h` is a well-formed tree head. */
export function assertTreeHead(h: TreeHead): void {
  if (typeof h.province !== 'string' || h.province.length === 0) throw new TypeError('tree head: province required');
  if (!Number.isSafeInteger(h.size) || h.size < 0)
    throw new TypeError('tree head: size must be a non-negative integer');
  if (typeof h.rootHash !== 'string' || !HEX_HASH.test(h.rootHash)) {
    throw new TypeError('tree head: rootHash must be 64 lowercase hex characters');
  }
  if (typeof h.timestamp !== 'string' || !ISO_TIME.test(h.timestamp) || Number.isNaN(Date.parse(h.timestamp))) {
    throw new TypeError('tree head: timestamp must be an ISO 8601 date-time');
  }
}

/**
 * The bytes that are signed: "yrd-sth-v1\n" + canonicalJson({ province, rootHash, size, timestamp }), UTF-8.
 * Only the four TreeHead fields are taken, so a SignedTreeHead gives the same bytes as its head.
 */
export function treeHeadBytes(h: TreeHead): Buffer {
  assertTreeHead(h);
  const head: TreeHead = { province: h.province, size: h.size, rootHash: h.rootHash, timestamp: h.timestamp };
  return Buffer.from(TREE_HEAD_DOMAIN + canonicalJson(head), 'utf8');
}

/** The bytes a head's signature is over: its checkpoint text, or the legacy bytes for an old head. */
export function signedBytes(h: SignedTreeHead): Buffer {
  if (h.format !== undefined && h.format !== 'checkpoint')
    throw new TypeError(`unknown head format ${String(h.format)}`);
  if (h.format === 'checkpoint') {
    assertTreeHead(h);
    return Buffer.from(checkpointText(h), 'utf8');
  }
  return treeHeadBytes(h);
}

/**
 * Sign a tree head, as a checkpoint, with the province's private key (Ed25519 or SM2). `logSuite` is the
 * suite of the log the root is from (default: the key's): the head records it.
 */
export function signTreeHead(h: TreeHead, privateKey: KeyObject, keyId: string, logSuite?: SuiteId): SignedTreeHead {
  let keySuite: SuiteId;
  try {
    keySuite = suiteOfKey(privateKey);
  } catch {
    throw new TypeError('signTreeHead: an Ed25519 or SM2 private KeyObject is required');
  }
  if (privateKey.type !== 'private') throw new TypeError('signTreeHead: a private KeyObject is required');
  if (typeof keyId !== 'string' || keyId.length === 0 || /\s/.test(keyId)) {
    throw new TypeError('signTreeHead: keyId required (one word)');
  }
  const head: SignedTreeHead = {
    province: h.province,
    size: h.size,
    rootHash: h.rootHash,
    timestamp: h.timestamp,
    alg: headAlgs[keySuite],
    keyId,
    signature: '',
    format: 'checkpoint',
    suite: cryptoSuite(logSuite ?? keySuite).id,
  };
  head.signature = cryptoSuite(keySuite).sign(signedBytes(head), privateKey).toString('base64url');
  return head;
}

/**
 * Verify a signed tree head against a public key. False (never throws) for a malformed head,
 * a non-canonical signature encoding, an unsupported alg, a key of the wrong type, or a bad signature.
 */
export function verifyTreeHead(sth: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    // the key decides the algorithm; the head's alg must name the same one
    const keySuite = suiteOfKey(publicKey);
    if (sth.alg !== headAlgs[keySuite] || publicKey.type !== 'public') return false;
    // a legacy yrd-sth-v1 head was always Ed25519 over a SHA-256 log
    if (sth.format === undefined && (keySuite !== 'ed25519-sha256' || sth.suite !== undefined)) return false;
    if (typeof sth.signature !== 'string' || !BASE64URL.test(sth.signature)) return false;
    const sig = Buffer.from(sth.signature, 'base64url');
    if (sig.length !== 64 || sig.toString('base64url') !== sth.signature) return false;
    return cryptoSuite(keySuite).verify(signedBytes(sth), publicKey, sig);
  } catch {
    return false;
  }
}
