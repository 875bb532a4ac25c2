/**
 * The regional trust list (区域信任列表): every province's public keys, current and past, with their key
 * ids and validity, and how many other provinces must co-sign a head before an auditor trusts it. Every
 * province publishes the same document without authentication (GET /api/audit/v1/trust-list), so anyone
 * can fetch it from all four and compare. It holds public keys only: a document with a private key part
 * is refused, so a private key cannot travel in one by mistake.
 *
 * Version 1 was a bare map of one public JWK per province; it is still read (as keys valid since always).
 */
import type { JsonWebKey } from 'node:crypto';
import { type SuiteId, suiteOfJwk } from '@yrd/crypto-suite';
import { type Province, provinces } from '@yrd/region';
import { z } from 'zod';

export const TRUST_LIST_FORMAT = 'yrd-trust-list/2';

/** Of the three other provinces, how many must co-sign a head by default: a majority. */
export const DEFAULT_COSIGNATURE_QUORUM = 2;

export interface TrustKey {
  kid: string;
  /**
   * the public key: an Ed25519 JWK (kty OKP, crv Ed25519, x) for a province on `ed25519-sha256`, an SM2
   * JWK (kty EC, crv SM2, x, y) for one on `sm2-sm3`; the key's curve is the province's suite (keySuite)
   */
  jwk: JsonWebKey;
  /** ISO 8601: heads and co-signatures dated before it are not its */
  validFrom: string;
  /** ISO 8601, for a retired key: heads dated at or after it are not its */
  validUntil?: string;
}

export interface TrustAnchors {
  format: typeof TRUST_LIST_FORMAT;
  cosignatureQuorum: number;
  provinces: Record<Province, { keys: TrustKey[] }>;
}

const instant = z.iso.datetime({ offset: true });
const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const publicJwk = z
  .union([
    z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: coordinate }).catchall(z.unknown()),
    z.object({ kty: z.literal('EC'), crv: z.literal('SM2'), x: coordinate, y: coordinate }).catchall(z.unknown()),
  ])
  .refine((j) => !('d' in j), {
    message: '信任列表只能含公钥 a trust list holds public keys only (found a private key part `d`)',
  });
const trustKey = z
  .object({ kid: z.string().regex(/^\S{1,64}$/), jwk: publicJwk, validFrom: instant, validUntil: instant.optional() })
  .refine((k) => k.validUntil === undefined || Date.parse(k.validUntil) > Date.parse(k.validFrom), {
    message: 'validUntil must be after validFrom',
  });
const v2 = z.object({
  format: z.literal(TRUST_LIST_FORMAT),
  cosignatureQuorum: z
    .number()
    .int()
    .min(0)
    .max(provinces.length - 1),
  provinces: z.object(
    Object.fromEntries(provinces.map((p) => [p, z.object({ keys: z.array(trustKey).min(1).max(32) })])) as Record<
      Province,
      z.ZodObject<{ keys: z.ZodArray<typeof trustKey> }>
    >,
  ),
});
const v1 = z.object(Object.fromEntries(provinces.map((p) => [p, publicJwk])) as Record<Province, typeof publicJwk>);

/** Reads a trust list, either version; throws a TypeError that says what is wrong. */
export function parseTrustAnchors(doc: unknown): TrustAnchors {
  if (typeof doc === 'object' && doc !== null && 'format' in doc) {
    const r = v2.safeParse(doc);
    if (!r.success) throw new TypeError(`信任列表无效 not a valid trust list: ${z.prettifyError(r.error)}`);
    return r.data as TrustAnchors;
  }
  const r = v1.safeParse(doc);
  if (!r.success) throw new TypeError(`信任列表无效 not a valid trust list: ${z.prettifyError(r.error)}`);
  return anchorsFrom(r.data as unknown as Record<Province, JsonWebKey>, '1970-01-01T00:00:00.000Z');
}

/** A trust list of one key per province (the key's `kid`, else `<province>-1`), valid from `since`. */
export function anchorsFrom(
  current: Record<Province, JsonWebKey>,
  since: string,
  quorum = DEFAULT_COSIGNATURE_QUORUM,
): TrustAnchors {
  const out = {} as TrustAnchors['provinces'];
  for (const p of provinces) {
    const { d: _private, ...jwk } = current[p] as JsonWebKey & { kid?: string };
    out[p] = { keys: [{ kid: jwk.kid ?? `${p}-1`, jwk, validFrom: since }] };
  }
  return { format: TRUST_LIST_FORMAT, cosignatureQuorum: quorum, provinces: out };
}

/** The crypto suite a trust-list key signs in, from its curve: Ed25519 → ed25519-sha256, SM2 → sm2-sm3. */
export function keySuite(k: Pick<TrustKey, 'jwk'>): SuiteId {
  return suiteOfJwk(k.jwk);
}

/** Each province's current key (valid now, the latest to start) as a public JWK with its kid. */
export function currentKeys(t: TrustAnchors, now: Date = new Date()): Record<Province, JsonWebKey> {
  const out = {} as Record<Province, JsonWebKey>;
  for (const p of provinces) {
    const valid = t.provinces[p].keys
      .filter(
        (k) => Date.parse(k.validFrom) <= now.getTime() && (!k.validUntil || Date.parse(k.validUntil) > now.getTime()),
      )
      .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom));
    const k = valid[0] ?? t.provinces[p].keys.at(-1);
    if (k) out[p] = { ...k.jwk, kid: k.kid } as JsonWebKey;
  }
  return out;
}
