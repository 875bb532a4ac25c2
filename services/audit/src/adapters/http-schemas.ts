/**
 * The audit service's answers as the OpenAPI document describes them (response schemas only: they
 * document what the handlers return, see documentingSerializerCompiler in @yrd/http).
 */
import { z } from 'zod';

const hex = z.string().describe('64 lowercase hex characters');

const cosignatureSchema = z
  .object({
    format: z.literal('cosignature/v1'),
    witness: z.string().describe('the co-signing province'),
    keyId: z.string(),
    province: z.string(),
    size: z.number().int(),
    rootHash: hex,
    timestamp: z.string(),
    headKeyId: z.string(),
    suite: z
      .enum(['ed25519-sha256', 'sm2-sm3'])
      .optional()
      .describe("the suite of the head's log, when not ed25519-sha256"),
    time: z.number().int().describe('POSIX seconds, signed'),
    signature: z.string().describe("Ed25519 or SM2 (r ‖ s), in the witness key's suite, base64url"),
  })
  .meta({ id: 'Cosignature' });

const treeHead = {
  province: z.string(),
  size: z.number().int(),
  rootHash: hex.describe('RFC 6962 Merkle tree hash of the first `size` leaves'),
  timestamp: z.string(),
  alg: z.enum(['Ed25519', 'SM2']),
  keyId: z.string().describe('the signing key in the regional trust list'),
  signature: z.string().describe('Ed25519 or SM2 (r ‖ s), base64url without padding'),
  format: z.literal('checkpoint').optional(),
  suite: z
    .enum(['ed25519-sha256', 'sm2-sm3'])
    .optional()
    .describe("the log's suite (its Merkle hash); absent: ed25519-sha256"),
};

export const signedTreeHeadSchema = z.object(treeHead).meta({ id: 'SignedTreeHead' });

export const publishedHeadSchema = z
  .object({
    ...treeHead,
    cosignatures: z.array(cosignatureSchema),
    note: z.string().optional().describe('the head as a C2SP checkpoint with its signature and co-signature lines'),
  })
  .meta({ id: 'PublishedHead' });

const recordFields = {
  seq: z.number().int(),
  eventId: z.string(),
  province: z.string(),
  kind: z.string(),
  requestId: z.string(),
  resourceId: z.string(),
  actorUser: z.string(),
  actorAgency: z.string(),
  requesterProvince: z.string(),
  providerProvince: z.string(),
  outcome: z.string(),
  code: z.string(),
  payloadHash: z.string(),
  subjectRef: z.string().describe('the hashed reference to the person concerned, if any'),
  grantId: z.string(),
  consentId: z.string(),
  occurredAt: z.string(),
  items: z.array(z.string()),
  subjectRefKeyId: z.string().optional(),
};

export const auditRecordFieldsSchema = z.object(recordFields).meta({ id: 'AuditRecordFields' });

const tracedRecordSchema = z
  .object({
    ...recordFields,
    leafHash: hex,
    proof: z
      .object({ treeSize: z.number().int(), rootHash: hex, path: z.array(hex) })
      .describe('inclusion proof against the page’s head'),
  })
  .meta({ id: 'TracedRecord' });

export const tracePageSchema = z
  .object({
    records: z.array(tracedRecordSchema),
    head: signedTreeHeadSchema.describe('the head every proof on the page is against'),
    next: z.number().int().optional().describe('a full page: pass as `after`'),
  })
  .meta({ id: 'TracePage' });

export const traceAnswerSchema = tracePageSchema.extend({
  counterparts: z
    .record(z.string(), z.union([tracePageSchema, z.object({ error: z.string() })]))
    .optional()
    .describe('with counterpart=true: the other province’s records of the exchange, by province'),
});

export const subjectTraceSchema = tracePageSchema.extend({
  subjectRefs: z.array(z.object({ keyId: z.string(), subjectRef: hex })).describe('the references searched'),
});

const failureSchema = z.object({
  code: z.string(),
  entry: z.string().describe('the failing entry as an auditor names it, e.g. `seq 17`'),
  seq: z.number().int().optional(),
  headSize: z.number().int().optional(),
  eventId: z.string().optional(),
  reason: z.string(),
});

const verifyResult = { ok: z.boolean(), size: z.number().int(), root: z.string(), failure: failureSchema.optional() };

export const verifyJobSchema = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'running', 'finished', 'failed']),
    size: z.number().int().optional(),
    checked: z.number().int(),
    queuedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    result: z.object(verifyResult).optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'VerifyJob' });

export const verdictSchema = z.object({
  ...verifyResult,
  jobId: z.string(),
  verifiedAt: z.string().optional(),
});

export const witnessReportSchema = z.object({
  witness: z.string(),
  witnessed: z.array(
    z.object({
      province: z.string(),
      size: z.number().int(),
      rootHash: hex,
      timestamp: z.string(),
      seenAt: z.string(),
    }),
  ),
  alarms: z.array(
    z.object({
      province: z.string(),
      code: z.string(),
      message: z.string(),
      head: signedTreeHeadSchema,
      raisedAt: z.string(),
    }),
  ),
});

const publicJwk = z
  .object({
    kty: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .catchall(z.unknown())
  .describe('public JWK: Ed25519 {kty OKP, crv Ed25519, x} or SM2 {kty EC, crv SM2, x, y}');

export const trustListSchema = z.object({
  format: z.string(),
  cosignatureQuorum: z.number().int(),
  provinces: z.record(
    z.string(),
    z.object({
      origin: z.string(),
      witness: z.string(),
      keys: z.array(
        z.object({
          kid: z.string(),
          jwk: publicJwk,
          validFrom: z.string(),
          validUntil: z.string().optional(),
          status: z.string().describe('current | retired'),
          vkey: z.string().optional().describe('C2SP verifier key for heads'),
          witnessVkey: z.string().optional().describe('C2SP verifier key for co-signatures'),
        }),
      ),
    }),
  ),
  sha256: z.string().describe('over the canonical JSON of the list itself: compare across provinces'),
});

export const consistencySchema = z.object({
  from: publishedHeadSchema.optional(),
  to: publishedHeadSchema,
  proof: z.array(hex).describe('RFC 9162 consistency proof'),
});

export const inclusionSchema = z.object({
  seq: z.number().int(),
  leafHash: hex,
  treeSize: z.number().int(),
  path: z.array(hex).describe('from the leaf’s sibling up (RFC 9162 §2.1.3.2)'),
  head: publishedHeadSchema,
});

export const auditExportSchema = z.object({
  format: z.string().describe('yrd-audit-export/2'),
  province: z.string(),
  exportedAt: z.string(),
  range: z.object({ fromSeq: z.number().int(), toSeq: z.number().int() }),
  keys: z.array(
    z.object({ kid: z.string(), jwk: publicJwk, validFrom: z.string().optional(), validUntil: z.string().optional() }),
  ),
  heads: z.array(signedTreeHeadSchema.extend({ cosignatures: z.array(cosignatureSchema) })),
  records: z.array(z.object({ seq: z.number().int(), leafHash: hex, fields: auditRecordFieldsSchema })),
  proofs: z.object({
    inclusion: z.array(
      z.object({ seq: z.number().int(), treeSize: z.number().int(), leafHash: hex, path: z.array(hex) }),
    ),
    consistency: z.array(z.object({ fromSize: z.number().int(), toSize: z.number().int(), path: z.array(hex) })),
  }),
});
