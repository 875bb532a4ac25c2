/**
 * The two crypto suites a log and a key can be on (docs/audit-format.md §10), as this browser computes
 * them: `ed25519-sha256` by WebCrypto (SHA-256, Ed25519), `sm2-sm3` (国密) by sm-crypto, since browsers
 * have no SM3 or SM2. sm-crypto is loaded only when a log or key of that suite is checked, so a region
 * without 国密 provinces never downloads it.
 */
import { type Bytes, fromBase64Url, fromHex, sha256, toHex } from './bytes';

export const suiteIds = ['ed25519-sha256', 'sm2-sm3'] as const;
export type SuiteId = (typeof suiteIds)[number];

/** The hash of a suite, by the name the UI shows. */
export type HashName = 'SHA-256' | 'SM3';
export const hashNames = { 'ed25519-sha256': 'SHA-256', 'sm2-sm3': 'SM3' } as const satisfies Record<SuiteId, HashName>;

/** A head's `alg` for a key of each suite (as the service's tree-head.ts). */
export const headAlgs = { 'ed25519-sha256': 'Ed25519', 'sm2-sm3': 'SM2' } as const satisfies Record<SuiteId, string>;

/** A 32-byte hash, computed in the browser. */
export type Hash = (data: Bytes) => Promise<Bytes>;

/**
 * The suite of a log from its head's `suite` (absent: ed25519-sha256, every head from before suites);
 * undefined for a suite this console does not know, which it then cannot check.
 */
export function logSuite(head: { suite?: string | undefined }): SuiteId | undefined {
  const s = head.suite ?? 'ed25519-sha256';
  return (suiteIds as readonly string[]).includes(s) ? (s as SuiteId) : undefined;
}

/** A trust-list JWK as far as the checks read it: Ed25519 `{x}` (kty/crv may be left out), SM2 `{x, y}`. */
export interface PublicJwk {
  kty?: string | undefined;
  crv?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
}

/**
 * The suite of a trust-list key, from its curve: Ed25519 (also a key that names none, as the list's
 * first keys did) or SM2; undefined for any other, which this console cannot check.
 */
export function keySuite(jwk: PublicJwk): SuiteId | undefined {
  if ((jwk.crv === undefined || jwk.crv === 'Ed25519') && (jwk.kty === undefined || jwk.kty === 'OKP'))
    return 'ed25519-sha256';
  if (jwk.crv === 'SM2' && jwk.kty === 'EC') return 'sm2-sm3';
  return undefined;
}

/** gm.ts (sm-crypto), on first use. */
let gmModule: Promise<typeof import('./gm')> | undefined;
const gm = () => {
  gmModule ??= import('./gm');
  return gmModule;
};

/** SM3 (GB/T 32905) of the bytes. */
export async function sm3(data: Bytes): Promise<Bytes> {
  const hex = (await gm()).sm3Hex(data);
  const out = fromHex(hex);
  if (out?.length !== 32) throw new Error('sm3: unexpected output');
  return out;
}

/** The hash of a log's suite: SHA-256 (WebCrypto) or SM3 (sm-crypto). */
export const hashOf = (suite: SuiteId): Hash => (suite === 'sm2-sm3' ? sm3 : sha256);

/** GM/T 0009-2012 §10: the identifier SM2 signs with when none was agreed, and the one the service uses. */
export const SM2_DEFAULT_ID = '1234567812345678';

/** Ed25519 verification of `signature` (base64url, 64 bytes) over `message` with the JWK's `x`. */
export async function verifyEd25519(jwk: PublicJwk, message: Bytes, signature: string): Promise<boolean> {
  const raw = jwk.x === undefined ? undefined : fromBase64Url(jwk.x);
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
 * SM2 verification (GB/T 32918.2, with SM3 and the default identifier) of `signature` — base64url of
 * r ‖ s, 32 bytes each — over `message`, with the point (x, y) of the JWK.
 */
export async function verifySm2(jwk: PublicJwk, message: Bytes, signature: string): Promise<boolean> {
  const x = jwk.x === undefined ? undefined : fromBase64Url(jwk.x);
  const y = jwk.y === undefined ? undefined : fromBase64Url(jwk.y);
  const sig = fromBase64Url(signature);
  if (x?.length !== 32 || y?.length !== 32 || sig?.length !== 64) return false;
  const { sm2VerifyHex } = await gm();
  try {
    return sm2VerifyHex(message, toHex(sig), `04${toHex(x)}${toHex(y)}`, SM2_DEFAULT_ID);
  } catch {
    return false;
  }
}

/** Verification with a key of the given suite. */
export function verifyIn(suite: SuiteId, jwk: PublicJwk, message: Bytes, signature: string): Promise<boolean> {
  return suite === 'sm2-sm3' ? verifySm2(jwk, message, signature) : verifyEd25519(jwk, message, signature);
}
