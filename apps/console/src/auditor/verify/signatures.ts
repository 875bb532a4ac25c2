/**
 * Signed heads and co-signatures (docs/audit-format.md §4, §5), checked with Ed25519 by WebCrypto
 * against the keys of the regional trust list: a head with the key its key id names, valid at the
 * head's time; a co-signature (cosignature/v1 over the head's checkpoint) with the witness's key valid
 * at the co-signing time.
 */
import { type Bytes, fromBase64Url, fromHex, toBase64, utf8 } from './bytes';

export interface TrustKey {
  kid: string;
  jwk: { x?: string | undefined; crv?: string | undefined };
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
  /** the log's suite; absent: ed25519-sha256 (docs/audit-format.md §10) */
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

/** The checkpoint text a head is signed as: origin, size, base64 root, `time …`, `key …`, each with a newline. */
export function checkpointText(h: {
  province: string;
  size: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
}): string | undefined {
  const root = fromHex(h.rootHash);
  if (root?.length !== 32 || !Number.isSafeInteger(h.size) || h.size < 0) return undefined;
  if ([h.province, h.timestamp, h.keyId].some((w) => w === '' || /\s/.test(w))) return undefined;
  return `${auditOrigin(h.province)}\n${h.size}\n${toBase64(root)}\ntime ${h.timestamp}\nkey ${h.keyId}\n`;
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
  if (h.format !== undefined || !/^[0-9a-f]{64}$/.test(h.rootHash)) return undefined;
  const json = `{"province":${JSON.stringify(h.province)},"rootHash":${JSON.stringify(h.rootHash)},"size":${h.size},"timestamp":${JSON.stringify(h.timestamp)}}`;
  return utf8(`yrd-sth-v1\n${json}`);
}

/** The message a cosignature/v1 signs: `cosignature/v1\ntime <POSIX seconds>\n` + the head's checkpoint. */
export function cosignedMessage(c: Cosignature): Bytes | undefined {
  if (!Number.isSafeInteger(c.time) || c.time < 0) return undefined;
  const text = checkpointText({ ...c, keyId: c.headKeyId });
  return text === undefined ? undefined : utf8(`cosignature/v1\ntime ${c.time}\n${text}`);
}

/** Whether a co-signature is over exactly this head: province, size, root, time and signing key. */
export function cosignatureCovers(c: Cosignature, h: SignedHead): boolean {
  return (
    c.province === h.province &&
    c.size === h.size &&
    c.rootHash === h.rootHash &&
    c.timestamp === h.timestamp &&
    c.headKeyId === h.keyId
  );
}

/** Ed25519 verification of `signature` (base64url, 64 bytes) over `message` with the JWK's `x`. */
export async function verifyEd25519(key: TrustKey, message: Bytes, signature: string): Promise<boolean> {
  const raw = key.jwk.x === undefined ? undefined : fromBase64Url(key.jwk.x);
  const sig = fromBase64Url(signature);
  if (raw?.length !== 32 || sig?.length !== 64) return false;
  try {
    const publicKey = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, sig, message);
  } catch {
    return false;
  }
}

/**
 * What a browser can check itself: SHA-256 and Ed25519 (WebCrypto). A log on the sm2-sm3 suite (国密:
 * SM3 hashes) and SM2 signatures are beyond it; those steps are shown as not checked here, with the
 * offline checker (npm run audit:verify) named, never as failed.
 */
export const browserHashes = (head: Pick<SignedHead, 'suite'>): boolean =>
  head.suite === undefined || head.suite === 'ed25519-sha256';
export const browserSigns = (key: TrustKey): boolean => key.jwk.crv === undefined || key.jwk.crv === 'Ed25519';
