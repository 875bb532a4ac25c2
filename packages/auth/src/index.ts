/**
 * Identity across the region. Each province holds a key of its crypto suite (@yrd/crypto-suite:
 * Ed25519 for `ed25519-sha256`, SM2 for `sm2-sm3`, chosen when the key is generated); it signs the
 * bearer tokens of its users and the requester tokens its exchange sends to other provinces. Every
 * node holds the regional trust list (the provinces' public keys — the role X-Road's global
 * configuration plays) and accepts a token only if the province it names signed it, whichever suite
 * that province and the verifying one use: the key decides how a token is checked.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  exportPrivateJwk,
  exportPublicJwk,
  importPrivateJwk,
  importPublicJwk,
  type SuiteId,
  signJws,
  suite,
  suiteOfJwk,
  suiteOfKey,
  verifyJws,
} from '@yrd/crypto-suite';
import { unauthenticated } from '@yrd/errors';
import { isProvince, type Province, provinces } from '@yrd/region';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export const roles = ['publisher', 'reviewer', 'requester', 'auditor', 'admin', 'subject'] as const;
export type Role = (typeof roles)[number];

export const requesterKinds = ['government', 'enterprise', 'research', 'individual'] as const;
export type RequesterKind = (typeof requesterKinds)[number];

export const principalSchema = z.object({
  sub: z.string().min(1),
  name: z.string().default(''),
  province: z.enum(provinces),
  agency: z.string().default(''),
  roles: z.array(z.enum(roles)).default([]),
  kind: z.enum(requesterKinds).default('government'),
  /** for a data subject: the hashed reference to the person, set by the province that knows them */
  subjectRef: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type Principal = z.infer<typeof principalSchema>;

export interface ProvinceKey {
  province: Province;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Public JWKs by province. */
export type TrustList = Record<Province, JsonWebKey>;

export * from './trust-list.js';

/**
 * A new province key in `suite` (default Ed25519, what every province had so far): choosing a
 * province's suite at setup is generating its key in it. An SM2 key's JWK is { kty: 'EC', crv: 'SM2',
 * x, y[, d] } (@yrd/crypto-suite), which node:crypto cannot read itself.
 */
export function generateProvinceKey(
  province: Province,
  suiteId: SuiteId = 'ed25519-sha256',
): { privateJwk: JsonWebKey; publicJwk: JsonWebKey } {
  const kid = `${province}-1`;
  if (suite(suiteId).id === 'ed25519-sha256') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privateJwk: { ...privateKey.export({ format: 'jwk' }), kid } as JsonWebKey,
      publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } as JsonWebKey,
    };
  }
  const { privateKey, publicKey } = suite(suiteId).generateKeyPair();
  return { privateJwk: { ...exportPrivateJwk(privateKey), kid }, publicJwk: { ...exportPublicJwk(publicKey), kid } };
}

/** The suite of a province's key: what it signs its tokens, heads and artefacts with. */
export function provinceSuite(key: Pick<ProvinceKey, 'privateKey'>): SuiteId {
  return suiteOfKey(key.privateKey);
}

/** A public JWK of either suite as a KeyObject (an Ed25519 JWK as node:crypto reads it, as always). */
export function publicKeyOfJwk(jwk: JsonWebKey): KeyObject {
  return suiteOfJwk(jwk) === 'sm2-sm3' ? importPublicJwk(jwk) : createPublicKey({ key: jwk, format: 'jwk' });
}

export function loadProvinceKey(province: Province, privateJwk: JsonWebKey): ProvinceKey {
  const privateKey =
    suiteOfJwk(privateJwk) === 'sm2-sm3'
      ? importPrivateJwk(privateJwk)
      : createPrivateKey({ key: privateJwk, format: 'jwk' });
  return {
    province,
    kid: (privateJwk as { kid?: string }).kid ?? `${province}-1`,
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}

const issuer = (p: Province) => `yrd:${p}`;
export const audiences = {
  /** a user's bearer token at its own province's edge */
  user: 'yrd:api',
  /** a requester token sent by the exchange to a provider province */
  exchange: (provider: Province) => `yrd:exchange:${provider}`,
} as const;

export async function signToken(
  key: ProvinceKey,
  principal: Principal,
  opts: { audience: string; ttlSeconds: number; now?: Date },
): Promise<string> {
  if (principal.province !== key.province) {
    throw new Error(`province ${key.province} cannot sign for a ${principal.province} principal`);
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const { sub, ...claims } = principal;
  const suiteId = provinceSuite(key);
  if (suiteId !== 'ed25519-sha256') {
    // the same claims as the EdDSA token below; jose has no SM2, so @yrd/crypto-suite's JWS signs it
    const payload = {
      ...claims,
      sub,
      iss: issuer(key.province),
      aud: opts.audience,
      iat: now,
      exp: now + opts.ttlSeconds,
    };
    return signJws(payload, key.privateKey, { kid: key.kid, suite: suiteId });
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject(sub)
    .setIssuer(issuer(key.province))
    .setAudience(opts.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + opts.ttlSeconds)
    .sign(key.privateKey);
}

/** A principal's claims as one string, whatever the order its fields were set in. */
function claimsKey(p: Principal): string {
  return JSON.stringify([p.sub, p.name, p.province, p.agency, [...p.roles].sort(), p.kind, p.subjectRef ?? null]);
}

/** Drops the oldest entries of a map kept in insertion order until it holds at most `max`. */
function bound<K, V>(map: Map<K, V>, max: number): void {
  for (const oldest of map.keys()) {
    if (map.size <= max) return;
    map.delete(oldest);
  }
}

/**
 * The requester tokens an exchange sends to providers, signed once per (principal, audience) and
 * sent again until half their life is gone: a token says who asks and until when, nothing about
 * the request, so a fresh signature per request bought nothing and cost an Ed25519 signing here and
 * a verification at the provider (with the provider's verifier cache, a reused token is verified
 * once). A token always has at least half its life left when it is sent.
 */
export class TokenMinter {
  private readonly made = new Map<string, { token: Promise<string>; renewAt: number }>();

  constructor(
    private readonly key: ProvinceKey,
    private readonly opts: { ttlSeconds: number; maxEntries?: number; now?: () => number },
  ) {}

  token(principal: Principal, audience: string): Promise<string> {
    const id = `${audience}\n${claimsKey(principal)}`;
    const now = this.opts.now?.() ?? Date.now();
    const hit = this.made.get(id);
    if (hit && hit.renewAt > now) return hit.token;
    const token = signToken(this.key, principal, { audience, ttlSeconds: this.opts.ttlSeconds, now: new Date(now) });
    const entry = { token, renewAt: now + (this.opts.ttlSeconds * 1000) / 2 };
    this.made.delete(id);
    this.made.set(id, entry);
    bound(this.made, this.opts.maxEntries ?? 10_000);
    // a refused signing (a principal of another province) is not kept
    token.catch(() => {
      if (this.made.get(id) === entry) this.made.delete(id);
    });
    return token;
  }
}

export class TokenVerifier {
  /** each province's key, and its kid when the trust list names one */
  private readonly keys = new Map<Province, { key: KeyObject; kid: string | undefined }>();
  /**
   * Tokens already verified, by audience and token text: the same bytes, signed by a key of the
   * trust list this verifier was made with, verify the same way until they expire, which is checked
   * on every use. A user's bearer token comes with each of their calls, a requester token with each
   * exchange until it is renewed: one signature check each instead of one per request. Bounded; a
   * token let go is simply verified again.
   */
  private readonly verified = new Map<string, { principal: Principal; province: Province; expiresAt: number }>();
  private readonly maxVerified: number;
  private readonly now: () => number;

  /**
   * @param home the province whose users this verifier admits at its HTTP origin: a user signs in
   *   at their own province, and another province's user token is refused there
   */
  constructor(
    trust: TrustList,
    private readonly home?: Province,
    opts: { maxVerified?: number; now?: () => number } = {},
  ) {
    this.maxVerified = opts.maxVerified ?? 20_000;
    this.now = opts.now ?? Date.now;
    for (const p of provinces) {
      const jwk = trust[p];
      if (jwk) {
        const kid = (jwk as { kid?: unknown }).kid;
        this.keys.set(p, { key: publicKeyOfJwk(jwk), kid: typeof kid === 'string' ? kid : undefined });
      }
    }
  }

  /** A user's bearer token at this province's HTTP API. */
  verifyUser(token: string): Promise<Principal> {
    return this.verify(token, audiences.user, this.home ? { expectProvince: this.home } : {});
  }

  /** Verifies signature, issuer province, audience and expiry; returns the principal. */
  async verify(token: string, audience: string, opts: { expectProvince?: Province } = {}): Promise<Principal> {
    const id = `${audience}\n${token}`;
    const known = this.verified.get(id);
    if (known) {
      if (known.expiresAt > this.now()) {
        if (opts.expectProvince && known.province !== opts.expectProvince) {
          throw unauthenticated(
            'AUTH.WRONG_PROVINCE',
            `token of ${known.province} presented where ${opts.expectProvince} is expected`,
          );
        }
        return known.principal;
      }
      this.verified.delete(id);
    }
    const province = this.claimedProvince(token);
    if (opts.expectProvince && province !== opts.expectProvince) {
      throw unauthenticated(
        'AUTH.WRONG_PROVINCE',
        `token of ${province} presented where ${opts.expectProvince} is expected`,
      );
    }
    const trusted = this.keys.get(province);
    if (!trusted) throw unauthenticated('AUTH.UNTRUSTED_ISSUER', `no trusted key for province ${province}`);
    // the key the token names must be the one the trust list holds for its province (when both say)
    const kid = headerKid(token);
    if (trusted.kid !== undefined && kid !== undefined && kid !== trusted.kid) {
      // TOKEN_INVALID as any other forged token: a kid of another key is one more way of being one
      throw unauthenticated(
        'AUTH.TOKEN_INVALID',
        `令牌的密钥 ${kid.slice(0, 64)} 不是信任列表中 ${province} 的密钥 the token's key ${kid.slice(0, 64)} is not ${province}'s in the trust list`,
      );
    }
    const key = trusted.key;
    try {
      // the province's key says how its tokens are signed: an alg of the other suite is refused
      const payload =
        suiteOfKey(key) === 'ed25519-sha256'
          ? (
              await jwtVerify(token, key, {
                issuer: issuer(province),
                audience,
                algorithms: ['EdDSA'],
                currentDate: new Date(this.now()),
              })
            ).payload
          : verifiedClaims(verifyJws(token, () => key).payload, { issuer: issuer(province), audience }, this.now());
      const parsed = principalSchema.safeParse(payload);
      if (!parsed.success || parsed.data.province !== province) {
        throw unauthenticated('AUTH.TOKEN_INVALID', '令牌声明无效 token claims are invalid');
      }
      // a token without an expiry is verified every time (ours always carry one)
      if (typeof payload.exp === 'number') {
        // the same object goes to every caller of this token: none may change it for the next
        Object.freeze(parsed.data.roles);
        this.verified.set(id, { principal: Object.freeze(parsed.data), province, expiresAt: payload.exp * 1000 });
        bound(this.verified, this.maxVerified);
      }
      return parsed.data;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('AUTH.TOKEN_EXPIRED', '令牌已过期 token expired');
      if (err instanceof Error && 'code' in err && (err as { code: string }).code.startsWith('AUTH.')) throw err;
      throw unauthenticated('AUTH.TOKEN_INVALID', '令牌无效 token is not valid', { cause: err });
    }
  }

  private claimedProvince(token: string): Province {
    const part = token.split('.')[1];
    if (!part) throw unauthenticated('AUTH.TOKEN_INVALID', '令牌格式错误 malformed token');
    let iss: unknown;
    try {
      iss = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    } catch {
      throw unauthenticated('AUTH.TOKEN_INVALID', '令牌格式错误 malformed token');
    }
    const p = typeof iss === 'string' && iss.startsWith('yrd:') ? iss.slice(4) : undefined;
    if (!isProvince(p)) throw unauthenticated('AUTH.UNTRUSTED_ISSUER', 'token issuer is not a member province');
    return p;
  }
}

/** The `kid` a token's header names, if it names one (a malformed header fails the signature check later). */
function headerKid(token: string): string | undefined {
  try {
    const kid = (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown })
      .kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The claim checks jwtVerify makes on an EdDSA token, made on a verified SM2 token's payload (the JWS
 * layer checks only the signature): issuer, audience, exp (required here: every token of ours has
 * one), nbf and iat, with no clock tolerance, as jose's defaults.
 */
function verifiedClaims(
  payload: Record<string, unknown>,
  want: { issuer: string; audience: string },
  nowMs: number,
): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000);
  const invalid = (why: string) =>
    unauthenticated('AUTH.TOKEN_INVALID', `令牌声明无效 token claims are invalid: ${why}`);
  if (payload.iss !== want.issuer) throw invalid('iss');
  const aud = payload.aud;
  if (!(aud === want.audience || (Array.isArray(aud) && aud.includes(want.audience)))) throw invalid('aud');
  if ('iat' in payload && typeof payload.iat !== 'number') throw invalid('iat');
  if ('nbf' in payload && (typeof payload.nbf !== 'number' || payload.nbf > now)) throw invalid('nbf');
  if (typeof payload.exp !== 'number') throw invalid('exp');
  if (payload.exp <= now) throw unauthenticated('AUTH.TOKEN_EXPIRED', '令牌已过期 token expired');
  return payload;
}

/** Pulls the bearer token out of an Authorization header. */
export function bearer(header: string | undefined): string {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) throw unauthenticated('AUTH.MISSING_TOKEN', '缺少访问令牌 missing bearer token');
  return m[1];
}

export function requireRole(p: Principal, ...any: Role[]) {
  if (!any.some((r) => p.roles.includes(r))) {
    return false;
  }
  return true;
}
