import { type HttpApp, requireRoles } from '@yrd/http';
import { z } from 'zod';
import type { AuditLog } from '../app/audit-log.js';

export function auditRoutes(app: HttpApp, log: AuditLog) {
  app.get(
    '/api/audit/v1/records',
    {
      schema: {
        summary: '留痕查询 trace audit records with inclusion proofs',
        querystring: z.object({
          requestId: z.string().max(200).optional(),
          resourceId: z.string().max(200).optional(),
          requester: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (req) => {
      requireRoles(req, 'auditor', 'admin');
      return log.trace(req.query);
    },
  );

  app.get('/api/audit/v1/verify', { schema: { summary: '验证日志 verify the whole audit log' } }, async (req) => {
    requireRoles(req, 'auditor', 'admin');
    return log.verify();
  });

  app.get('/api/audit/v1/heads/latest', { schema: { summary: '最新签名树头 the latest signed tree head' } }, async () =>
    log.latestHead(),
  );
}
