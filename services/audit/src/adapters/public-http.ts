/**
 * What anyone may read of a province's audit log without signing in — a court, a provincial 网信办, the
 * public: the regional trust list (every province's public keys with their validity), signed heads with
 * the other provinces' co-signatures (also as a C2SP checkpoint any signed-note tool reads), consistency
 * proofs between heads and inclusion proofs of a leaf hash against a head of the caller's choosing.
 * Only sizes, hashes, keys and signatures: no record, no person. The paths are listed in
 * @yrd/http publicApiRoutes, so the edge and the service let them through without a token.
 */
import { createHash } from 'node:crypto';
import type { TrustAnchors } from '@yrd/auth';
import { notFound } from '@yrd/errors';
import { type HttpApp, problemResponse } from '@yrd/http';
import { z } from 'zod';
import type { AuditLog } from '../app/audit-log.js';
import type { CosignatureBook } from '../app/cosignatures.js';
import {
  auditOrigin,
  type Cosignature,
  canonicalJson,
  headNote,
  NOTE_COSIGNATURE_V1,
  NOTE_ED25519,
  type SignedTreeHead,
  verifierKey,
  witnessName,
} from '../domain/index.js';
import type { Keyring } from '../domain/keyring.js';
import { consistencySchema, inclusionSchema, publishedHeadSchema, trustListSchema } from './http-schemas.js';

const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export interface PublicAuditDeps {
  log: AuditLog;
  keys: Keyring;
  anchors?: TrustAnchors | undefined;
  book?: CosignatureBook | undefined;
}

/** A head as published: the head, the co-signatures over exactly it, and the whole as a signed note. */
export interface PublishedHead extends SignedTreeHead {
  cosignatures: Cosignature[];
  /** C2SP checkpoint with the province's signature line and one cosignature/v1 line per co-signature */
  note?: string;
}

export function publicAuditRoutes(app: HttpApp, deps: PublicAuditDeps) {
  const { log, keys, anchors, book } = deps;

  const publish = async (head: SignedTreeHead): Promise<PublishedHead> => {
    const cosignatures = book ? await book.of(head) : [];
    const headKey = keys.forHead(head);
    const withKeys = cosignatures.flatMap((c) => {
      const witnessKey = keys.find(c.witness, c.keyId);
      return witnessKey ? [{ c, witnessKey }] : [];
    });
    const note = headKey ? headNote(head, headKey, withKeys) : undefined;
    return { ...head, cosignatures, ...(note ? { note } : {}) };
  };

  app.get(
    '/api/audit/v1/trust-list',
    {
      schema: {
        operationId: 'getTrustList',
        response: { 200: trustListSchema, 404: problemResponse('本节点未配置区域信任列表 no trust list on this node') },
        summary: '区域信任列表 the regional trust list: every province’s head-signing keys, current and past',
        description:
          'Public. Each key with its key id, validity and the C2SP verifier keys (`vkey` for heads, `witnessVkey` for co-signatures) that signed-note tools read. Every province serves the same list: compare `sha256` across them.',
      },
    },
    async () => {
      if (!anchors) {
        throw notFound('AUDIT.NO_TRUST_LIST', '本节点未配置区域信任列表 this node was started without a trust list');
      }
      const provinces = Object.fromEntries(
        Object.entries(anchors.provinces).map(([p, entry]) => [
          p,
          {
            origin: auditOrigin(p),
            witness: witnessName(p),
            keys: entry.keys.map((k) => {
              const publicKey = keys.find(p, k.kid);
              return {
                ...k,
                status: k.validUntil === undefined ? 'current' : 'retired',
                ...(publicKey
                  ? {
                      vkey: verifierKey(auditOrigin(p), NOTE_ED25519, publicKey),
                      witnessVkey: verifierKey(witnessName(p), NOTE_COSIGNATURE_V1, publicKey),
                    }
                  : {}),
              };
            }),
          },
        ]),
      );
      return {
        ...anchors,
        provinces,
        // over the list itself (format, quorum, keys and validity), not the derived fields
        sha256: createHash('sha256').update(canonicalJson(anchors), 'utf8').digest('hex'),
      };
    },
  );

  app.get(
    '/api/audit/v1/heads/latest',
    {
      schema: {
        operationId: 'getLatestSignedHead',
        response: { 200: publishedHeadSchema },
        summary: '最新签名树头 the latest signed tree head, with the co-signatures over exactly it',
        description: 'Public. `note` is the head as a C2SP checkpoint with its signature and co-signature lines.',
      },
    },
    async () => publish(await log.latestHead()),
  );

  app.get(
    '/api/audit/v1/heads/:size',
    {
      schema: {
        operationId: 'getSignedHead',
        response: { 200: publishedHeadSchema },
        summary: '签名树头 the signed head of a given size, with the co-signatures over exactly it',
        params: z.object({ size }),
      },
    },
    async (req) => {
      const head = await log.headOf(req.params.size);
      if (!head) {
        throw notFound(
          'AUDIT.HEAD_NOT_FOUND',
          `没有大小为 ${req.params.size} 的签名树头 no signed tree head of size ${req.params.size}`,
        );
      }
      return publish(head);
    },
  );

  app.get(
    '/api/audit/v1/checkpoint',
    {
      schema: {
        operationId: 'getCheckpoint',
        response: {
          200: { description: 'C2SP checkpoint (signed note)', content: { 'text/plain': { schema: z.string() } } },
          404: problemResponse('最新树头不是检查点格式 the latest head predates checkpoints'),
        },
        summary: '检查点 the latest head as a C2SP checkpoint (text/plain signed note)',
        description: 'Public. Verify with any signed-note tool given the verifier keys of the trust list.',
      },
    },
    async (_req, reply) => {
      const published = await publish(await log.latestHead());
      if (!published.note) {
        throw notFound('AUDIT.HEAD_NOT_FOUND', '最新树头不是检查点格式 the latest head predates checkpoints');
      }
      reply.type('text/plain; charset=utf-8');
      return published.note;
    },
  );

  app.get(
    '/api/audit/v1/consistency',
    {
      schema: {
        operationId: 'getConsistencyProof',
        response: { 200: consistencySchema, 404: problemResponse('没有该大小的签名树头 no signed head of that size') },
        summary: '一致性证明 consistency proof between two signed heads',
        description:
          'Public. `to` defaults to the latest head. Both sizes must be sizes of signed heads (size 0 needs none): else 404 AUDIT.HEAD_NOT_FOUND. Each head comes with the co-signatures over exactly it, as from `heads/{size}`.',
        querystring: z.object({ from: size, to: size.optional() }),
      },
    },
    // both heads with their co-signatures, so that the answer alone shows who vouched for each
    async (req) => {
      const c = await log.consistency(req.query.from, req.query.to);
      return { ...(c.from ? { from: await publish(c.from) } : {}), to: await publish(c.to), proof: c.proof };
    },
  );

  app.get(
    '/api/audit/v1/proofs/inclusion',
    {
      schema: {
        operationId: 'getInclusionProof',
        response: { 200: inclusionSchema, 404: problemResponse('没有该叶或签名树头 no such leaf or signed head') },
        summary: '包含证明 inclusion proof of a leaf against a signed head of your choosing',
        description:
          'Public. Give `leafHash` (hex, as in an export or a trace) or `seq`; `treeSize` is the size of a signed head (default: the latest). The answer holds the head with its co-signatures: check the path leads from the leaf to its root (RFC 9162 §2.1.3.2).',
        querystring: z
          .object({
            leafHash: z
              .string()
              .regex(/^[0-9a-f]{64}$/, '叶哈希须为 64 位小写十六进制 leafHash is 64 lowercase hex')
              .optional(),
            seq: size.optional(),
            treeSize: size.optional(),
          })
          .refine((q) => (q.leafHash === undefined) !== (q.seq === undefined), {
            message: '须且仅须给出 leafHash 或 seq 之一 give exactly one of leafHash and seq',
          }),
      },
    },
    async (req) => {
      const p = await log.inclusion(req.query);
      return { seq: p.seq, leafHash: p.leafHash, treeSize: p.head.size, path: p.path, head: await publish(p.head) };
    },
  );
}
