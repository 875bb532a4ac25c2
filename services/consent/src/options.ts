/**
 * The consent service's options, validated once when the service is built: a wrong value stops the
 * build with a message naming the option, instead of a sweep firing every 0 ms, a seed consent with
 * an unreadable validity, or a trust list whose key fails only when the first consent is checked.
 */
import type { JsonWebKey } from 'node:crypto';
import { publicKeyOfJwk, type TrustList } from '@yrd/auth';
import { parseOptions, timerMs } from '@yrd/config';
import { isProvince, provinces } from '@yrd/region';
import { z } from 'zod';

const ms = timerMs();

/**
 * One public key per province, Ed25519 or SM2 (the province's suite); a private key part is refused,
 * a key that does not load too.
 */
const trust = z
  .custom<TrustList>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    message: '须为信任列表对象（省份 → 公钥 JWK） must be a trust list object (province → public JWK)',
  })
  .superRefine((list, ctx) => {
    for (const [p, jwk] of Object.entries(list as Record<string, unknown>)) {
      if (!isProvince(p)) {
        ctx.addIssue({
          code: 'custom',
          path: [p],
          message: `不是省份 not a province (one of ${provinces.join(', ')})`,
        });
        continue;
      }
      const problem = publicKeyProblem(jwk);
      if (problem) ctx.addIssue({ code: 'custom', path: [p], message: problem });
    }
  });

function publicKeyProblem(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null) return '须为公钥 JWK must be a public JWK';
  const k = jwk as Record<string, unknown>;
  if ('d' in k) return '信任列表只能含公钥 a trust list holds public keys only (found a private key part `d`)';
  if (!(k.kty === 'OKP' && k.crv === 'Ed25519') && !(k.kty === 'EC' && k.crv === 'SM2')) {
    return '须为 Ed25519 或 SM2 公钥 must be an Ed25519 key (kty OKP, crv Ed25519) or an SM2 key (kty EC, crv SM2)';
  }
  try {
    publicKeyOfJwk(k as JsonWebKey);
    return undefined;
  } catch (err) {
    return `公钥无法读取 the key cannot be read: ${(err as Error).message}`;
  }
}

const instant = z.string().refine((s) => Number.isFinite(Date.parse(s)), {
  message: '须为 ISO 8601 时间 must be an ISO 8601 instant',
});

/** A consent to load at first start (demo data): issued as if the subject had signed it. */
const seedConsent = z.object({
  /** `subjectRef`: the person's reference, as their province puts it in their token */
  subject: z.object({
    sub: z.string().min(1),
    name: z.string().optional(),
    subjectRef: z.string().min(1).optional(),
  }),
  requesterAgency: z.string().min(1),
  requesterProvince: z.enum(provinces),
  resourceId: z.string().min(1),
  items: z.array(z.string().min(1)).min(1),
  purpose: z.string().min(1),
  validUntil: instant,
  /** once: good for one fetch; periodic (the default): any number until it expires */
  fetchType: z.enum(['once', 'periodic']).optional(),
});

export const consentOptionsSchema = z.object({
  /** the regional trust list: verifies consent artefacts issued by other provinces */
  trust,
  seedConsents: z.array(seedConsent).optional(),
  /** how often overdue applications are expired and escalated (default every minute) */
  sweepMs: ms.optional(),
  /** how often the revocation register catches up with every province (default every 30 s) */
  revocationCatchUpMs: ms.optional(),
  /** how soon a province the catch-up could not reach is asked again (default 5 s, at most revocationCatchUpMs) */
  revocationRetryMs: ms.optional(),
});

export type ConsentOptions = z.input<typeof consentOptionsSchema>;
export type SeedConsent = z.input<typeof seedConsent>;

/** The options as the service uses them; throws a ConfigError naming each wrong option. */
export function parseConsentOptions(options: unknown): z.output<typeof consentOptionsSchema> {
  return parseOptions(consentOptionsSchema, options, '授权服务选项无效 invalid consent service options');
}
