/**
 * The certificate service's options, validated once when the service is built. The province's
 * crypto suite is chosen here (`ed25519-sha256` or `sm2-sm3`); the other provinces' certificate
 * root keys (the regional trust list's certificate part) come here too, so a 浙江 licence verifies in
 * 上海 with nothing fetched at verification time.
 */
import { KeyObject } from 'node:crypto';
import { parseOptions } from '@yrd/config';
import { provinces } from '@yrd/region';
import { z } from 'zod';
import { suites } from './domain/suite.js';

const rootKey = z.object({
  province: z.enum(provinces),
  kid: z.string().min(1).max(128),
  suite: z.enum(suites),
  /** base64url SubjectPublicKeyInfo DER, as GET /issuer-keys publishes it */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]+$/, '须为 base64url 公钥 must be a base64url SPKI public key'),
});

const date = z.iso.date();
const seedHolder = z.union([
  z.object({ idNumber: z.string().min(15).max(18) }).strict(),
  z.object({ creditCode: z.string().length(18) }).strict(),
]);

/** Demo data for a fresh province (seeds/): applied at start, idempotently (app/seed.ts). */
const seed = z.object({
  /** 发证目录 entries, as POST /types takes them; each issuer must be an agency of this province */
  types: z.array(z.record(z.string(), z.unknown())).default([]),
  /** certificates issued at first start, as POST /certificates takes them */
  certificates: z
    .array(
      z.object({
        typeCode: z.string().min(1),
        holder: seedHolder,
        data: z.record(z.string(), z.unknown()),
        validFrom: date,
        validUntil: date.optional(),
      }),
    )
    .default([]),
  /** 用证清单 entries, as PUT /services/{code} takes them */
  services: z
    .array(
      z.object({
        code: z.string().min(1).max(64),
        name: z.string().min(1),
        materials: z
          .array(z.object({ material: z.string().min(1), certificateTypes: z.array(z.string().min(1)).min(1) }))
          .min(1),
      }),
    )
    .default([]),
});

export const certificateOptionsSchema = z.object({
  /**
   * the province's suite: its root, issuer and wallet keys are of this suite (absent: the suite of
   * `provinceRoot`, else ed25519-sha256)
   */
  suite: z.enum(suites).optional(),
  /**
   * where the province's private keys live, one private JWK file each (`root.jwk.json`,
   * `wallet.jwk.json`, `issuer-<credit code>.jwk.json`), made at first use (mode 0600). Absent: the
   * keys are made in memory for this process only (tests, a throw-away demo).
   */
  keyDir: z.string().min(1).optional(),
  /** other provinces' certificate root keys (GET /issuer-keys of each province publishes its own) */
  trust: z.array(rootKey).default([]),
  /**
   * the province's own key as the certificate root, so the regional trust list is the certificates'
   * trust list too (a node passes its province key; absent: a root key of the service's own in keyDir)
   */
  provinceRoot: z
    .object({
      kid: z.string().min(1).max(128),
      privateKey: z.custom<KeyObject>((k) => k instanceof KeyObject && k.type === 'private', {
        message: '须为私钥 must be a private KeyObject',
      }),
    })
    .optional(),
  /** seconds a signed status list stays fresh for a verifier (its validUntil) */
  statusListTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(3600),
  /** seconds a status list may be cached by HTTP caches (Cache-Control max-age) */
  statusListMaxAgeSeconds: z.number().int().min(0).max(86_400).default(300),
  /** entries per status list (W3C minimum 131,072) */
  statusListSize: z.number().int().min(131_072).max(8_388_608).multipleOf(8).default(131_072),
  /** days an issuer or wallet key certificate is valid from its creation */
  keyValidityDays: z.number().int().min(1).max(3650).default(730),
  /** working days an issuer has to resolve a dispute (异议核查) */
  disputeDays: z.number().int().min(1).max(60).default(5),
  seed: seed.optional(),
  /**
   * sending uses of other provinces' certificates to their issuers (app/use-forwarding.ts): the
   * wait for an issuer's answer, the first and longest wait after a failed send, the outbox poll
   */
  useForwarding: z
    .object({
      timeoutMs: z.number().int().min(100).max(60_000).default(3000),
      retryMinMs: z.number().int().min(10).max(3_600_000).default(2000),
      retryMaxMs: z.number().int().min(10).max(86_400_000).default(300_000),
      pollMs: z.number().int().min(10).max(3_600_000).default(10_000),
      batch: z.number().int().min(1).max(1000).default(50),
    })
    .strict()
    .refine((o) => o.retryMaxMs >= o.retryMinMs, {
      message: '最长重试间隔不得小于最短 retryMaxMs must not be below retryMinMs',
    })
    .default({ timeoutMs: 3000, retryMinMs: 2000, retryMaxMs: 300_000, pollMs: 10_000, batch: 50 }),
});

export type CertificateOptions = z.input<typeof certificateOptionsSchema>;
export type ParsedCertificateOptions = z.output<typeof certificateOptionsSchema>;
export type RootKey = z.output<typeof rootKey>;

export function parseCertificateOptions(options: unknown): ParsedCertificateOptions {
  return parseOptions(certificateOptionsSchema, options, '电子证照服务选项无效 invalid certificate service options');
}
