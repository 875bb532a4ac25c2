import { forbidden, invalid, notFound, unavailable } from '@yrd/errors';
import { type HttpApp, principalOf, problemResponse } from '@yrd/http';
import { isoDateTime } from '@yrd/http/dates';
import { canonicalKeyValue, isValidIdNumber, type SubjectRefs } from '@yrd/region';
import { z } from 'zod';
import type { AuditLog } from '../app/audit-log.js';
import type { CosignatureBook } from '../app/cosignatures.js';
import type { CounterpartTrace, Witness } from '../app/witness.js';
import { type AuditAction, auditAccess } from '../domain/access.js';
import { MAX_EXPORT_RECORDS } from '../domain/index.js';
import {
  auditExportSchema,
  subjectTraceSchema,
  traceAnswerSchema,
  verdictSchema,
  verifyJobSchema,
  witnessReportSchema,
} from './http-schemas.js';

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
        operationId: 'traceAuditRecords',
        response: { 200: traceAnswerSchema },
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
    '/api/audit/v1/export',
    {
      schema: {
        operationId: 'exportAuditLog',
        response: { 200: auditExportSchema },
        summary: '导出留痕 export a range of the log with its heads and proofs, for offline checking',
        description: `Format yrd-audit-export/2 (docs/audit-format.md): the heads carry the other provinces' co-signatures; at most ${MAX_EXPORT_RECORDS} records. Check it with \`npm run audit:verify -- <file> --trust <trust list from GET /api/audit/v1/trust-list>\`.`,
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

  verifyRoutes(app, log);

  app.get(
    '/api/audit/v1/witness',
    {
      schema: {
        operationId: 'getWitnessReport',
        response: { 200: witnessReportSchema },
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
        operationId: 'traceAuditRecordsBySubject',
        response: { 200: subjectTraceSchema },
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

/**
 * Verifying the whole log runs as a job off the request path (app/verify-job.ts). `GET /verify`, as
 * callers have always used it, answers with the verdict of a pass that starts after the request came
 * in (a pass already running may have read past a change made since; a cached verdict would hide an
 * edit that left the size as it was), waiting for it up to `wait` seconds, else 202 with the job.
 */
function verifyRoutes(app: HttpApp, log: AuditLog) {
  const jobPath = (id: string) => `/api/audit/v1/verify/${id}`;
  app.get(
    '/api/audit/v1/verify',
    {
      schema: {
        operationId: 'verifyAuditLog',
        response: {
          200: verdictSchema,
          202: verifyJobSchema,
          503: problemResponse('验证未完成 the verification could not run to the end'),
        },
        summary: '验证日志 verify the whole audit log (a pass from now; waits for its verdict)',
        description:
          'Starts a verification from now (or joins the one queued to start next) and waits up to `wait` seconds (default 10, at most 60) for it: 200 with the verdict, else 202 with the job and a Location to ask again.',
        querystring: z.object({ wait: z.coerce.number().min(0).max(60).default(10) }),
      },
    },
    async (req, reply) => {
      allow(req, log, 'verify');
      const job = log.verification.startFresh();
      const now = (await log.verification.wait(job.id, req.query.wait * 1000)) ?? job;
      if (now.state === 'finished' && now.result) {
        return { ...now.result, jobId: now.id, verifiedAt: now.finishedAt };
      }
      if (now.state === 'failed')
        throw unavailable(now.error?.code ?? 'AUDIT.VERIFY_INCOMPLETE', now.error?.message ?? '');
      reply.status(202).header('location', jobPath(now.id));
      return now;
    },
  );

  app.post(
    '/api/audit/v1/verify',
    {
      schema: {
        operationId: 'startAuditLogVerification',
        response: { 202: verifyJobSchema },
        summary: '开始验证日志 start verifying the whole audit log in the background',
        description: 'Starts a verification, or returns the one running: 202 with the job and its Location.',
      },
    },
    async (req, reply) => {
      allow(req, log, 'verify');
      const job = log.verification.start();
      reply.status(202).header('location', jobPath(job.id));
      return job;
    },
  );

  app.get(
    '/api/audit/v1/verify/:jobId',
    {
      schema: {
        operationId: 'getAuditLogVerification',
        response: { 200: verifyJobSchema },
        summary: '验证任务 a verification job: progress, then its verdict',
        params: z.object({ jobId: z.string().max(100) }),
      },
    },
    async (req) => {
      allow(req, log, 'verify');
      const job = log.verification.get(req.params.jobId);
      if (!job)
        throw notFound(
          'AUDIT.VERIFY_JOB_NOT_FOUND',
          '没有该验证任务 no such verification job (only recent ones are kept)',
        );
      return job;
    },
  );
}

/** The one door of the audit API: the access matrix (domain/access.ts) decides every route. */
function allow(req: Parameters<typeof principalOf>[0], log: AuditLog, action: AuditAction) {
  const d = auditAccess(principalOf(req), log.province, action);
  if (!d.allow) throw forbidden(d.code, d.message);
}
