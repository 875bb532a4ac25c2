import { forbidden, invalid } from '@yrd/errors';
import { type HttpApp, principalOf } from '@yrd/http';
import { isoDateTime } from '@yrd/http/dates';
import { canonicalKeyValue, isValidIdNumber, type SubjectRefs } from '@yrd/region';
import { z } from 'zod';
import type { AuditLog } from '../app/audit-log.js';
import type { CosignatureBook } from '../app/cosignatures.js';
import type { CounterpartTrace, Witness } from '../app/witness.js';
import { type AuditAction, auditAccess } from '../domain/access.js';
import { MAX_EXPORT_RECORDS } from '../domain/index.js';

const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const instant = isoDateTime;

export function auditRoutes(
  app: HttpApp,
  log: AuditLog,
  witnessing?: { witness: Witness; book: CosignatureBook; counterparts: CounterpartTrace },
  subjects?: SubjectRefs,
) {
  // Tracing can follow one person's data across agencies (by subjectRef): that is the auditor's job
  // alone, not an admin's, so these routes admit the auditor role only.
  app.get(
    '/api/audit/v1/records',
    {
      schema: {
        summary: '留痕查询 trace audit records with inclusion proofs',
        description:
          'Filters combine with AND. `from` is inclusive and `to` exclusive, on occurredAt. A full page carries `next`: pass it as `after`.',
        querystring: z.object({
          requestId: z.string().max(200).optional(),
          resourceId: z.string().max(200).optional(),
          requester: z.string().max(100).optional(),
          // only the hash events carry, so an ID number can never become a search term in a URL or log
          subjectRef: z
            .string()
            .regex(
              /^[0-9a-f]{64}$/,
              '数据主体引用须为 64 位十六进制哈希 subjectRef is the 64-hex hashed subject reference',
            )
            .optional(),
          from: instant.optional(),
          to: instant.optional(),
          after: seq.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          /** with a requestId: also the other province's records of that exchange, with its proofs */
          counterpart: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true'),
        }),
      },
    },
    async (req) => {
      allow(req, log, 'trace');
      const { counterpart, ...filters } = req.query;
      const page = await log.trace(filters);
      if (!counterpart || !filters.requestId || !witnessing) return page;
      return { ...page, counterparts: await witnessing.counterparts.of(page.records, filters.requestId) };
    },
  );

  if (subjects) subjectTraceRoute(app, log, subjects);

  app.get(
    '/api/audit/v1/consistency',
    {
      schema: {
        summary: '一致性证明 consistency proof between two signed heads',
        description:
          '`to` defaults to the latest head. Both sizes must be sizes of signed heads (size 0 needs none): else 404 AUDIT.HEAD_NOT_FOUND.',
        querystring: z.object({ from: seq, to: seq.optional() }),
      },
    },
    // only hashes and signed heads, which the province shares anyway (heads/latest): any signed-in user
    async (req) => {
      allow(req, log, 'heads');
      return log.consistency(req.query.from, req.query.to);
    },
  );

  app.get(
    '/api/audit/v1/export',
    {
      schema: {
        summary: '导出留痕 export a range of the log with its heads and proofs, for offline checking',
        description: `Format yrd-audit-export/1 (services/audit/src/domain/export.ts); at most ${MAX_EXPORT_RECORDS} records. Check it with \`npm run audit:verify -- <file> --key <trust list>\`.`,
        querystring: z.object({ fromSeq: seq.optional(), toSeq: seq.optional() }),
      },
    },
    async (req, reply) => {
      allow(req, log, 'export');
      const doc = await log.export(req.query);
      reply.header(
        'content-disposition',
        `attachment; filename="audit-${doc.province}-${doc.range.fromSeq}-${doc.range.toSeq}.json"`,
      );
      return doc;
    },
  );

  app.get('/api/audit/v1/verify', { schema: { summary: '验证日志 verify the whole audit log' } }, async (req) => {
    allow(req, log, 'verify');
    return log.verify();
  });

  app.get(
    '/api/audit/v1/heads/latest',
    { schema: { summary: '最新签名树头 the latest signed tree head, with the other provinces’ co-signatures' } },
    async (req) => {
      allow(req, log, 'heads');
      const head = await log.latestHead();
      return { ...head, cosignatures: witnessing ? await witnessing.book.of(head.size) : [] };
    },
  );

  app.get(
    '/api/audit/v1/witness',
    {
      schema: {
        summary: '见证 what this province witnessed of the others’ logs, and any alarm (a rewritten history)',
      },
    },
    async (req) => {
      allow(req, log, 'witness');
      if (!witnessing) return { witness: '', witnessed: [], alarms: [] };
      return witnessing.witness.status();
    },
  );
}

/**
 * Trace one person: the identifier comes in the body (never in a URL, so never in an access log), the
 * references are computed here under every known regional subject key id and the legacy unkeyed hash,
 * and the records carrying any of them come back with the references that were searched.
 */
function subjectTraceRoute(app: HttpApp, log: AuditLog, subjects: SubjectRefs) {
  app.post(
    '/api/audit/v1/records/by-subject',
    {
      schema: {
        summary: '按数据主体追溯 trace one person by ID number or query key, across subject key rotations',
        description:
          'Give `idNumber` (居民身份证号码) or `key` (a query key, e.g. a booking number), not both. The answer lists the references searched (one per known key id, and the legacy unkeyed ones) and the records carrying any of them, as `GET /api/audit/v1/records` does.',
        body: z
          .object({
            idNumber: z.string().min(1).max(64).optional(),
            key: z
              .record(z.string().min(1).max(100), z.string().max(200))
              .refine((k) => Object.keys(k).length > 0 && Object.keys(k).length <= 10, {
                message: '查询键须有 1 至 10 项 key needs 1 to 10 items',
              })
              .optional(),
            from: instant.optional(),
            to: instant.optional(),
            after: seq.optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .refine((b) => (b.idNumber === undefined) !== (b.key === undefined), {
            message: '须且仅须给出 idNumber 或 key 之一 give exactly one of idNumber and key',
          }),
      },
    },
    async (req) => {
      allow(req, log, 'trace');
      const { idNumber, key, ...window } = req.body;
      let refs: ReturnType<SubjectRefs['allOfKey']>;
      if (idNumber !== undefined) {
        // the message never repeats the number
        if (!isValidIdNumber(canonicalKeyValue(idNumber)))
          throw invalid('AUDIT.ID_NUMBER_INVALID', '身份证号码无效（校验位不符）the ID number is not valid');
        refs = subjects.allOfIdNumber(idNumber);
      } else {
        refs = subjects.allOfKey(key ?? {});
      }
      const page = await log.trace({ ...window, subjectRefs: refs.map((r) => r.ref) });
      return { subjectRefs: refs.map((r) => ({ keyId: r.keyId, subjectRef: r.ref })), ...page };
    },
  );
}

/** The one door of the audit API: the access matrix (domain/access.ts) decides every route. */
function allow(req: Parameters<typeof principalOf>[0], log: AuditLog, action: AuditAction) {
  const d = auditAccess(principalOf(req), log.province, action);
  if (!d.allow) throw forbidden(d.code, d.message);
}
