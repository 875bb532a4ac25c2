/**
 * Signed heads and co-signatures (docs/audit-format.md §4, §5, §10), checked against the keys of the
 * regional trust list, each in its key's suite (Ed25519 by WebCrypto, SM2 by sm-crypto: suites.ts): a
 * head with the key its key id names, valid at the head's time; a co-signature (cosignature/v1 over
 * the head's checkpoint) with the witness's key valid at the co-signing time. The bytes are the
 * service's (services/audit/src/domain/note.ts, tree-head.ts, witness.ts), rebuilt here.
 */
import { type Bytes, fromHex, toBase64, utf8 } from './bytes';
import { type PublicJwk, suiteIds } from './suites';

export interface TrustKey {
  kid: string;
  jwk: PublicJwk;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
}

/** The regional trust list as GET /api/audit/v1/trust-list serves it (the fields the checks read). */
export interface TrustList {
  cosignatureQuorum: number;
  provinces: Record<string, { keys: TrustKey[] }>;
}

export interface SignedHead {
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
  alg: string;
  keyId: string;
  signature: string;
  format?: 'checkpoint' | undefined;
  /** the log's suite, which fixes its Merkle hash; absent: ed25519-sha256 (docs/audit-format.md §10) */
  suite?: string | undefined;
}

export interface Cosignature {
  format: string;
  witness: string;
  keyId: string;
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
  headKeyId: string;
  /** the suite of the head's log, when not ed25519-sha256 (its checkpoint text names it) */
  suite?: string | undefined;
  time: number;
  signature: string;
}

/** The trust list's key `kid` of `province`, if it was valid at `at` (ISO 8601). */
export function trustedKey(trust: TrustList, province: string, kid: string, at: string): TrustKey | undefined {
  const key = trust.provinces[province]?.keys.find((k) => k.kid === kid);
  if (!key) return undefined;
  const t = Date.parse(at);
  if (Number.isNaN(t)) return undefined;
  if (key.validFrom !== undefined && t < Date.parse(key.validFrom)) return undefined;
  if (key.validUntil !== undefined && t >= Date.parse(key.validUntil)) return undefined;
  return key;
}

export const auditOrigin = (province: string): string => `yrd.example/audit/${province}`;

/**
 * The checkpoint text a head is signed as: origin, size, base64 root, `time …`, `key …`, and for a log
 * of another suite than ed25519-sha256 `suite …` (so an SM3 root is signed as one), each with a newline.
 * Undefined when the head cannot be written as one (a suite the service does not have, among others).
 */
export function checkpointText(h: {
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
  suite?: string | undefined;
}): string | undefined {
  const root = fromHex(h.rootHash);
  if (root?.length !== 32 || !Number.isSafeInteger(h.size) || h.size < 0) return undefined;
  if ([h.province, h.timestamp, h.keyId].some((w) => w === '' || /\s/.test(w))) return undefined;
  if (h.suite !== undefined && !(suiteIds as readonly string[]).includes(h.suite)) return undefined;
  const suiteLine = h.suite === undefined || h.suite === 'ed25519-sha256' ? '' : `suite ${h.suite}\n`;
  return `${auditOrigin(h.province)}\n${h.size}\n${toBase64(root)}\ntime ${h.timestamp}\nkey ${h.keyId}\n${suiteLine}`;
}

/**
 * The bytes a head's signature is over: its checkpoint text, or for a head of an earlier version (no
 * `format`) "yrd-sth-v1\n" + canonical JSON of {province, rootHash, size, timestamp}.
 */
export function headSignedBytes(h: SignedHead): Bytes | undefined {
  if (h.format === 'checkpoint') {
    const text = checkpointText(h);
    return text === undefined ? undefined : utf8(text);
  }
  // a head of the earlier version is always of a SHA-256 log, and names no suite
  if (h.format !== undefined || h.suite !== undefined || !/^[0-9a-f]{64}$/.test(h.rootHash)) return undefined;
  const json = `{"province":${JSON.stringify(h.province)},"rootHash":${JSON.stringify(h.rootHash)},"size":${h.size},"timestamp":${JSON.stringify(h.timestamp)}}`;
  return utf8(`yrd-sth-v1\n${json}`);
}

/**
 * The message a cosignature/v1 signs: `cosignature/v1\ntime <POSIX seconds>\n` + the head's checkpoint
 * (with its `suite` line for a log of another suite than ed25519-sha256).
 */
export function cosignedMessage(c: Cosignature): Bytes | undefined {
  if (!Number.isSafeInteger(c.time) || c.time < 0) return undefined;
  const text = checkpointText({ ...c, keyId: c.headKeyId });
  return text === undefined ? undefined : utf8(`cosignature/v1\ntime ${c.time}\n${text}`);
}

/** Whether a co-signature is over exactly this head: province, size, root, time, signing key and log suite. */
export function cosignatureCovers(c: Cosignature, h: SignedHead): boolean {
  return (
    c.province === h.province &&
    c.size === h.size &&
    c.rootHash === h.rootHash &&
    c.timestamp === h.timestamp &&
    c.headKeyId === h.keyId &&
    (c.suite ?? 'ed25519-sha256') === (h.suite ?? 'ed25519-sha256')
  );
}
