import { type HttpApp, requireRoles } from '@yrd/http';
import { z } from 'zod';
import type { AuditLog } from '../app/audit-log.js';
import type { CosignatureBook } from '../app/cosignatures.js';
import type { CounterpartTrace, Witness } from '../app/witness.js';
import { MAX_EXPORT_RECORDS } from '../domain/index.js';

const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const instant = z.iso.datetime({ offset: true, error: 'ISO 8601 date-time with an offset, e.g. 2025-01-01T08:00:00Z' });

export function auditRoutes(
  app: HttpApp,
  log: AuditLog,
  witnessing?: { witness: Witness; book: CosignatureBook; counterparts: CounterpartTrace },
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
      requireRoles(req, 'auditor');
      const { counterpart, ...filters } = req.query;
      const page = await log.trace(filters);
      if (!counterpart || !filters.requestId || !witnessing) return page;
      return { ...page, counterparts: await witnessing.counterparts.of(page.records, filters.requestId) };
    },
  );

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
    async (req) => log.consistency(req.query.from, req.query.to),
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
      requireRoles(req, 'auditor');
      const doc = await log.export(req.query);
      reply.header(
        'content-disposition',
        `attachment; filename="audit-${doc.province}-${doc.range.fromSeq}-${doc.range.toSeq}.json"`,
      );
      return doc;
    },
  );

  app.get('/api/audit/v1/verify', { schema: { summary: '验证日志 verify the whole audit log' } }, async (req) => {
    requireRoles(req, 'auditor', 'admin');
    return log.verify();
  });

  app.get(
    '/api/audit/v1/heads/latest',
    { schema: { summary: '最新签名树头 the latest signed tree head, with the other provinces’ co-signatures' } },
    async () => {
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
      requireRoles(req, 'auditor', 'admin');
      if (!witnessing) return { witness: '', witnessed: [], alarms: [] };
      return witnessing.witness.status();
    },
  );
}
