/**
 * Identity across the region. Each province holds an Ed25519 key; it signs the bearer tokens of
 * its users and the requester tokens its exchange sends to other provinces. Every node holds the
 * regional trust list (the provinces' public keys — the role X-Road's global configuration plays)
 * and accepts a token only if the province it names signed it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
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

export function generateProvinceKey(province: Province): { privateJwk: JsonWebKey; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid: `${province}-1` } as JsonWebKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid: `${province}-1` } as JsonWebKey,
  };
}

export function loadProvinceKey(province: Province, privateJwk: JsonWebKey): ProvinceKey {
  const privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
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
  private readonly keys = new Map<Province, KeyObject>();
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
      if (jwk) this.keys.set(p, createPublicKey({ key: jwk, format: 'jwk' }));
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
    const key = this.keys.get(province);
    if (!key) throw unauthenticated('AUTH.UNTRUSTED_ISSUER', `no trusted key for province ${province}`);
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: issuer(province),
        audience,
        algorithms: ['EdDSA'],
        currentDate: new Date(this.now()),
      });
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
