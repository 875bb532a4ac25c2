// Signed tree heads (STH). A head is signed as a C2SP checkpoint (see note.ts); heads signed by earlier
// versions (no `format`) were signed over `yrd-sth-v1` bytes and still verify. Pure functions: the
// timestamp is supplied by the caller.
import { type KeyObject, sign, verify } from 'node:crypto';
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

/** Signature algorithms a head can carry. Only Ed25519 is implemented; 'SM2' is reserved (GB/T 32918). */
export type TreeHeadAlg = 'Ed25519' | 'SM2';

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

/** Sign a tree head, as a checkpoint, with an Ed25519 private key. */
export function signTreeHead(h: TreeHead, privateKey: KeyObject, keyId: string): SignedTreeHead {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('signTreeHead: an Ed25519 private KeyObject is required');
  }
  if (typeof keyId !== 'string' || keyId.length === 0 || /\s/.test(keyId)) {
    throw new TypeError('signTreeHead: keyId required (one word)');
  }
  const head: SignedTreeHead = {
    province: h.province,
    size: h.size,
    rootHash: h.rootHash,
    timestamp: h.timestamp,
    alg: 'Ed25519',
    keyId,
    signature: '',
    format: 'checkpoint',
  };
  head.signature = sign(null, signedBytes(head), privateKey).toString('base64url');
  return head;
}

/**
 * Verify a signed tree head against a public key. False (never throws) for a malformed head,
 * a non-canonical signature encoding, an unsupported alg, a key of the wrong type, or a bad signature.
 */
export function verifyTreeHead(sth: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    if (sth.alg !== 'Ed25519') return false;
    if (publicKey.asymmetricKeyType !== 'ed25519') return false;
    if (typeof sth.signature !== 'string' || !BASE64URL.test(sth.signature)) return false;
    const sig = Buffer.from(sth.signature, 'base64url');
    if (sig.length !== 64 || sig.toString('base64url') !== sth.signature) return false;
    return verify(null, signedBytes(sth), publicKey, sig);
  } catch {
    return false;
  }
}
