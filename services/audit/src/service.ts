import { fileURLToPath } from 'node:url';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { type RunningService, runService, type ServiceDeps } from '@yrd/runtime';
import { AuditRepo } from './adapters/db.js';
import { registerAuditGrpc } from './adapters/grpc.js';
import { auditRoutes } from './adapters/http.js';
import { AuditIngest } from './adapters/nats.js';
import { AuditLog } from './app/audit-log.js';

export const auditMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export interface AuditOptions {
  /** sign a tree head every N appends (default 1) */
  headEvery?: number;
  /** sign a head this often when appends are unsigned (default 1000 ms) */
  headIntervalMs?: number;
}

export interface RunningAudit extends RunningService {
  log: AuditLog;
  ingest: AuditIngest;
}

export async function startAudit(deps: ServiceDeps, opts: AuditOptions = {}): Promise<RunningAudit> {
  const logger = deps.logger.child({ service: 'audit' });
  await migrate(deps.db, 'audit', auditMigrations);
  const log = new AuditLog({
    province: deps.province,
    repo: new AuditRepo(deps.db),
    key: deps.key,
    clock: deps.clock,
    ...(opts.headEvery !== undefined ? { headEvery: opts.headEvery } : {}),
  });
  await log.init();
  const ingest = new AuditIngest(deps.nc, deps.province, log, logger);
  let headTimer: NodeJS.Timeout | undefined;
  const http = await buildHttpApp({
    service: 'audit',
    logger,
    verifier: deps.verifier,
    openapi: { title: 'YRD 审计服务 Audit API', description: '可验证留痕：Merkle 日志、签名树头、包含证明' },
  });
  auditRoutes(http, log);
  const running = await runService({
    name: 'audit',
    deps: { ...deps, logger },
    http,
    grpcServiceNames: ['yrd.audit.v1.AuditService'],
    registerGrpc: (s) => registerAuditGrpc(s, log),
    start: async () => {
      await ingest.start();
      headTimer = setInterval(() => {
        log.signHeadIfBehind().catch((err: unknown) => logger.error({ err }, 'signing a tree head failed'));
      }, opts.headIntervalMs ?? 1000);
      headTimer.unref();
    },
    stop: async () => {
      if (headTimer) clearInterval(headTimer);
      await ingest.stop();
      // what came in since the last head is covered before the service goes
      await log.signHeadIfBehind();
    },
  });
  return { ...running, log, ingest };
}
