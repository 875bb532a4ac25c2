import { auditV1, type grpc, unary } from '@yrd/proto';
import type { AuditLog } from '../app/audit-log.js';
import { describeFailure } from '../domain/index.js';

export function registerAuditGrpc(server: grpc.Server, log: AuditLog) {
  const impl: auditV1.AuditServiceServer = {
    verify: unary('audit.Verify', async (_req: auditV1.VerifyRequest): Promise<auditV1.VerifyResponse> => {
      const r = await log.verify();
      return {
        ok: r.ok,
        size: r.size,
        root: r.root,
        failure: r.failure ? `${r.failure.code} ${describeFailure(r.failure)}` : '',
      };
    }),
  };
  server.addService(auditV1.AuditServiceService, impl);
}
