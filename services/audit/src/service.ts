import { createPublicKey, type KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TrustList } from '@yrd/auth';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { type RunningService, runService, type ServiceDeps } from '@yrd/runtime';
import { AuditRepo } from './adapters/db.js';
import { registerAuditGrpc } from './adapters/grpc.js';
import { auditRoutes } from './adapters/http.js';
import { AuditIngest } from './adapters/nats.js';
import { WitnessRepo } from './adapters/witness-db.js';
import { NatsWitnessPeers, WitnessLink } from './adapters/witness-nats.js';
import { AuditLog } from './app/audit-log.js';
import { CosignatureBook } from './app/cosignatures.js';
import { CounterpartTrace, Witness } from './app/witness.js';

export const auditMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export interface AuditOptions {
  /** sign a tree head every N appends (default 64) */
  headEvery?: number;
  /**
   * the regional trust list: with it, this province witnesses the others' heads and co-signs them,
   * and accepts their co-signatures of its own (see app/witness.ts)
   */
  trust?: TrustList;
  /** sign a head this often when appends are unsigned (default 1000 ms) */
  headIntervalMs?: number;
}

export interface RunningAudit extends RunningService {
  log: AuditLog;
  ingest: AuditIngest;
  witness?: Witness;
}

export async function startAudit(deps: ServiceDeps, opts: AuditOptions = {}): Promise<RunningAudit> {
  const logger = deps.logger.child({ service: 'audit' });
  await migrate(deps.db, 'audit', auditMigrations);
  const keys = new Map<string, KeyObject>();
  for (const [p, jwk] of Object.entries(opts.trust ?? {}))
    if (jwk) keys.set(p, createPublicKey({ key: jwk, format: 'jwk' }));
  let link: WitnessLink | undefined;
  const repo = new AuditRepo(deps.db);
  const log = new AuditLog({
    province: deps.province,
    repo,
    key: deps.key,
    clock: deps.clock,
    ...(opts.headEvery !== undefined ? { headEvery: opts.headEvery } : {}),
    onHead: (head) => link?.publish(head),
  });
  await log.init();
  const ingest = new AuditIngest(deps.nc, deps.province, log, logger);
  let headTimer: NodeJS.Timeout | undefined;
  let analyzeTimer: NodeJS.Timeout | undefined;
  const http = await buildHttpApp({
    service: 'audit',
    logger,
    verifier: deps.verifier,
    openapi: { title: 'YRD 审计服务 Audit API', description: '可验证留痕：Merkle 日志、签名树头、包含证明' },
  });
  const witnessRepo = new WitnessRepo(deps.db);
  const peers = new NatsWitnessPeers(deps.nc, deps.province);
  const witnessing = opts.trust
    ? {
        witness: new Witness(
          deps.province,
          keys,
          deps.key,
          witnessRepo,
          peers,
          logger.child({ component: 'witness' }),
          deps.clock,
        ),
        counterparts: new CounterpartTrace(deps.province, peers),
        book: new CosignatureBook(deps.province, keys, (size) => log.headOf(size), witnessRepo, deps.clock),
      }
    : undefined;
  if (witnessing) link = new WitnessLink(deps.nc, deps.province, log, witnessing.book, witnessing.witness, logger);
  auditRoutes(http, log, witnessing, deps.subjectRefs);
  const running = await runService({
    name: 'audit',
    deps: { ...deps, logger },
    http,
    grpcServiceNames: ['yrd.audit.v1.AuditService'],
    registerGrpc: (s) => registerAuditGrpc(s, log),
    start: async () => {
      await ingest.start();
      await link?.start();
      // the planner's statistics follow the log's growth (PGlite has no autovacuum)
      await repo.analyze();
      analyzeTimer = setInterval(() => {
        repo.analyze().catch((err: unknown) => logger.warn({ err }, 'analyze of the audit log failed'));
      }, 600_000);
      analyzeTimer.unref();
      headTimer = setInterval(() => {
        log.signHeadIfBehind().catch((err: unknown) => logger.error({ err }, 'signing a tree head failed'));
      }, opts.headIntervalMs ?? 1000);
      headTimer.unref();
    },
    stop: async () => {
      if (headTimer) clearInterval(headTimer);
      if (analyzeTimer) clearInterval(analyzeTimer);
      link?.stop();
      await ingest.stop();
      // what came in since the last head is covered before the service goes
      await log.signHeadIfBehind();
    },
  });
  return { ...running, log, ingest, ...(witnessing ? { witness: witnessing.witness } : {}) };
}
