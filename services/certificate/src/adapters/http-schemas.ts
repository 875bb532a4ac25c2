/** Response schemas of the HTTP API: they document the answers (packages/http checks the first ones against them). */
import { z } from 'zod';
import { certificateTypeInput } from '../domain/catalogue.js';
import { certificateStatuses } from '../domain/lifecycle.js';
import { checkNames } from '../domain/verify.js';

const bilingual = z.object({ zh: z.string(), en: z.string() });
const fieldValue = z.union([z.string(), z.number(), z.boolean()]);

export const certificateTypeSchema = certificateTypeInput;

export const certificateViewSchema = z.object({
  id: z.string().describe('电子证照标识 of this version'),
  series: z.string(),
  version: z.number().int(),
  typeCode: z.string(),
  issuerCode: z.string(),
  holderType: z.string(),
  status: z.enum(certificateStatuses),
  reason: z.string().nullable(),
  supersededBy: z.string().nullable(),
  disputed: z.boolean(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  issuedAt: z.string(),
  statusList: z.object({ list: z.string(), index: z.number().int() }),
});

export const walletEntrySchema = z.object({
  id: z.string(),
  series: z.string(),
  version: z.number().int(),
  typeCode: z.string(),
  name: bilingual,
  issuer: z.object({ province: z.string(), code: z.string(), name: z.string() }),
  status: z.enum(certificateStatuses),
  expired: z.boolean(),
  presentable: z.boolean(),
  disputed: z.boolean(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  fields: z.array(z.object({ name: z.string(), label: bilingual, personalInfo: z.boolean() })),
});

export const presentationSchema = z.object({
  presentation: z.string().describe('the QR content: certificate~disclosures~binding'),
  expiresAt: z.string(),
});

const check = z.object({ result: z.enum(['passed', 'failed', 'not_checked']), reason: bilingual.optional() });

export const verificationSchema = z.object({
  valid: z.boolean(),
  checks: z.object(
    Object.fromEntries(checkNames.map((n) => [n, check])) as Record<(typeof checkNames)[number], typeof check>,
  ),
  status: z.object({
    state: z.enum(['valid', 'suspended', 'revoked', 'unknown']),
    listAgeSeconds: z.number().optional(),
  }),
  certificate: z
    .object({
      id: z.string(),
      series: z.string(),
      version: z.number().int(),
      type: z.string(),
      typeName: z.string(),
      issuer: z.object({ province: z.string(), code: z.string(), name: z.string() }),
      holderType: z.string(),
      validFrom: z.string(),
      validUntil: z.string().nullable(),
    })
    .optional(),
  disclosed: z.array(z.object({ name: z.string(), value: fieldValue, digest: z.string(), digestOk: z.boolean() })),
  presentation: z
    .object({
      jti: z.string(),
      aud: z.string(),
      iat: z.number().int(),
      exp: z.number().int(),
      walletProvince: z.string().optional(),
    })
    .optional(),
});

export const statusListsSchema = z.object({
  list: z.string(),
  revocation: z.string().describe('compact signed revocation list'),
  suspension: z.string().describe('compact signed suspension list'),
});

export const issuerKeysSchema = z.object({
  province: z.string(),
  root: z.object({ province: z.string(), kid: z.string(), suite: z.string(), publicKey: z.string() }),
  keyCertificates: z.array(z.string()),
  statusLists: z.array(z.string()),
});

export const authorisationSchema = z.object({
  id: z.string(),
  holderRef: z.string(),
  user: z.object({ province: z.string(), sub: z.string() }),
  purpose: z.string(),
  typeCodes: z.array(z.string()),
  validUntil: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const useSchema = z.object({
  id: z.string(),
  certificateId: z.string(),
  holderRef: z.string(),
  kind: z.enum(['fetch', 'verification']),
  user: z.object({ province: z.string(), sub: z.string(), agency: z.string(), kind: z.string() }),
  serviceCode: z.string().nullable(),
  purpose: z.string().nullable(),
  authorisationId: z.string().nullable(),
  outcome: z.string(),
  at: z.string(),
  /** the province that recorded the use (another province's verifications of a certificate issued here) */
  recordedIn: z.string(),
});

export const publicServiceSchema = z.object({
  code: z.string(),
  name: z.string(),
  materials: z.array(z.object({ material: z.string(), certificateTypes: z.array(z.string()) })),
  updatedBy: z.string(),
  updatedAt: z.string(),
});

export const fetchedSchema = z.object({
  certificate: certificateViewSchema,
  credential: z.string(),
  disclosures: z.array(z.string()),
  data: z.record(z.string(), fieldValue),
  basis: z.union([z.object({ serviceCode: z.string() }), z.object({ authorisationId: z.string() })]),
});

export const disputeSchema = z.object({
  id: z.string(),
  certificateId: z.string(),
  raisedBy: z.object({ kind: z.enum(['holder', 'user']), ref: z.string() }),
  ground: z.string(),
  fields: z.array(z.string()).readonly(),
  reason: z.string(),
  raisedAt: z.string(),
  dueAt: z.string(),
  status: z.enum(['open', 'corrected', 'rejected']),
  resolution: z
    .object({
      at: z.string(),
      by: z.string(),
      reason: z.string(),
      newCertificateId: z.string().optional(),
      late: z.boolean(),
    })
    .optional(),
});

export const importedSchema = z.object({ keyCertificates: z.number().int(), statusLists: z.number().int() });
