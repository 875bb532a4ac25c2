import { fileURLToPath } from 'node:url';
import type { ProvinceKey } from '@yrd/auth';
import { anchorsFrom, type TrustAnchors, type TrustList } from '@yrd/auth';
import { migrate } from '@yrd/db';
import { buildHttpApp, publicApiRoutes } from '@yrd/http';
import { provinces } from '@yrd/region';
import { type RunningService, runService, type ServiceDeps, type ServiceModule } from '@yrd/runtime';
import { dataUseRoutes } from './adapters/data-use-http.js';
import { AuditRepo } from './adapters/db.js';
import { registerAuditGrpc } from './adapters/grpc.js';
import { auditRoutes } from './adapters/http.js';
import { auditMetrics } from './adapters/metrics.js';
import { AuditIngest, AuditStateAnnouncer } from './adapters/nats.js';
import { LogHealthReporter, serviceHealthOf } from './adapters/operations.js';
import { publicAuditRoutes } from './adapters/public-http.js';
import { exchangeStatsRoutes } from './adapters/stats-http.js';
import { WitnessRepo } from './adapters/witness-db.js';
import { NatsWitnessPeers, WitnessLink } from './adapters/witness-nats.js';
import { AuditLog } from './app/audit-log.js';
import { CosignatureBook } from './app/cosignatures.js';
import { LOG_TAMPERED } from './app/log-health.js';
import { StallWatch } from './app/stall-watch.js';
import { CounterpartTrace, Witness } from './app/witness.js';
import { Keyring, keyringFrom } from './domain/keyring.js';
import { type AuditOptions, parseAuditOptions } from './options.js';

export const auditMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export { type AuditOptions, auditOptionsSchema } from './options.js';

export interface RunningAudit extends RunningService {
  log: AuditLog;
  ingest: AuditIngest;
  witness?: Witness;
}

/** The audit service built but not listening: its module for runService, and the use cases tests drive. */
export interface AuditModule extends ServiceModule {
  log: AuditLog;
  ingest: AuditIngest;
  witness?: Witness;
}

/**
 * Everything the audit service is but listening: options checked, schema migrated, the log read back
 * and its routes registered. Nothing runs in the background until `start()` (JetStream ingestion, the
 * witness, the verify job, the stall watch, head signing), so a test can `http.inject()` into it.
 */
export async function buildAudit(deps: ServiceDeps, options: AuditOptions = {}): Promise<AuditModule> {
  const opts = parseAuditOptions(options);
  const logger = deps.logger.child({ service: 'audit' });
  await migrate(deps.db, 'audit', auditMigrations);
  const anchors = trustAnchorsOf(opts.trust);
  const keys = keyringOf(anchors, deps.key);
  let link: WitnessLink | undefined;
  // made after the log (it reads the log's heads); an export asks it for the co-signatures of its heads
  let book: CosignatureBook | undefined;
  const repo = new AuditRepo(deps.db, (err) =>
    logger.warn({ err }, 'analysing the audit log for a prepared append failed; appends stay unprepared'),
  );
  const log = new AuditLog({
    province: deps.province,
    repo,
    key: deps.key,
    clock: deps.clock,
    ...(opts.headEvery !== undefined ? { headEvery: opts.headEvery } : {}),
    onHead: (head) => link?.publish(head),
    ...(anchors
      ? {
          witnessing: {
            cosignaturesOf: (head) => book?.of(head) ?? Promise.resolve([]),
            quorum: anchors.cosignatureQuorum,
          },
          publishedKeys: anchors.provinces[deps.province].keys,
        }
      : {}),
    verification: {
      // a head is checked with the key its key id names, valid at its time (current and past keys)
      headKey: (head) => keys.forHead(head),
      // the stored log no longer holds what was appended: fail closed, as when it cannot append
      onFailure: (f, job) => {
        logger.error({ code: f.code, entry: f.entry, job: job.id }, 'verification found the audit log altered');
        log.health.fail(LOG_TAMPERED, `${f.code} ${f.entry}: ${f.reason}`);
      },
      onError: (err, job) => logger.error({ err, job: job.id }, 'verification of the audit log could not finish'),
    },
  });
  const reporter = new LogHealthReporter(log.health, logger);
  await log.init();
  // the exchange follows the log's state and refuses while it is failed (fail closed)
  const announcer = new AuditStateAnnouncer(deps.nc, deps.province, log.health, logger, opts.stateBeatMs);
  const ingest = new AuditIngest(deps.nc, deps.province, log, logger, {
    retryDelayMs: opts.retry?.firstMs,
    retryMaxMs: opts.retry?.maxMs,
    ackWaitMs: opts.ackWaitMs,
    patience: deps.patience,
  });
  let headTimer: NodeJS.Timeout | undefined;
  let analyzeTimer: NodeJS.Timeout | undefined;
  let verifyTimers: NodeJS.Timeout[] = [];
  const http = await buildHttpApp({
    service: 'audit',
    logger,
    verifier: deps.verifier,
    // GET /metrics is on the admin port (runService), not here
    publicRoutes: publicApiRoutes.filter((r) => r.startsWith('/api/audit/')),
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
  book = witnessing?.book;
  if (witnessing) link = new WitnessLink(deps.nc, deps.province, log, witnessing.book, witnessing.witness, logger);
  auditRoutes(http, log, witnessing, deps.subjectRefs);
  dataUseRoutes(http, {
    province: deps.province,
    store: repo,
    nc: deps.nc,
    key: deps.key,
    verifier: deps.verifier,
    logger,
  });
  auditMetrics(deps.metrics, {
    province: deps.province,
    nc: deps.nc,
    ingest,
    clock: deps.clock,
    log,
    alarms: async () => (witnessing ? (await witnessRepo.alarms()).length : 0),
  });
  const stalls = witnessing
    ? new StallWatch(
        provinces.filter((p) => p !== deps.province),
        witnessRepo,
        repo,
        logger.child({ component: 'witness' }),
        deps.clock,
        opts.stallGraceMs !== undefined ? { graceMs: opts.stallGraceMs } : {},
      )
    : undefined;
  publicAuditRoutes(http, { log, keys, anchors, book: witnessing?.book });
  exchangeStatsRoutes(http, {
    db: deps.db,
    province: deps.province,
    clock: deps.clock,
    logger,
    exchangeMetricsUrl: opts.exchangeMetricsUrl,
  });
  return {
    name: 'audit',
    http,
    grpcServiceNames: ['yrd.audit.v1.AuditService'],
    registerGrpc: (s) => registerAuditGrpc(s, log),
    health: serviceHealthOf(log.health),
    start: async () => {
      reporter.start();
      announcer.start();
      await ingest.start();
      await link?.start();
      // the planner's statistics follow the log's growth (PGlite has no autovacuum)
      await repo.analyzeIfStale(log.size);
      analyzeTimer = setInterval(() => {
        repo.analyzeIfStale(log.size).catch((err: unknown) => logger.warn({ err }, 'analyze of the audit log failed'));
      }, 600_000);
      analyzeTimer.unref();
      headTimer = setInterval(() => {
        log.signHeadIfBehind().catch((err: unknown) => {
          // while the log is failed its health has said so once; not again every tick
          if (log.health.current().status === 'failed') logger.debug({ err }, 'signing a tree head failed');
          else logger.error({ err }, 'signing a tree head failed');
        });
      }, opts.headIntervalMs ?? 1000);
      headTimer.unref();
      stalls?.start();
      const verifyEvery = opts.verifyEveryMs ?? 3_600_000;
      if (verifyEvery > 0) {
        // a pass already running is joined, not doubled
        const verify = () => void log.verification.start();
        verifyTimers = [setTimeout(verify, opts.verifyFirstAfterMs ?? 10_000), setInterval(verify, verifyEvery)];
        for (const t of verifyTimers) t.unref();
      }
    },
    stop: async () => {
      await stalls?.stop();
      announcer.stop();
      reporter.stop();
      for (const t of verifyTimers) clearTimeout(t);
      await log.verification.stop();
      if (headTimer) clearInterval(headTimer);
      if (analyzeTimer) clearInterval(analyzeTimer);
      link?.stop();
      await ingest.stop();
      // what came in since the last head is covered before the service goes
      await log.signHeadIfBehind();
    },
    log,
    ingest,
    ...(witnessing ? { witness: witnessing.witness } : {}),
  };
}

/** The audit service, listening: built, then run (HTTP + gRPC, then its background work). */
export async function startAudit(deps: ServiceDeps, options: AuditOptions = {}): Promise<RunningAudit> {
  const { log, ingest, witness, ...module } = await buildAudit(deps, options);
  const running = await runService({ ...module, deps: { ...deps, logger: deps.logger.child({ service: 'audit' }) } });
  return { ...running, log, ingest, ...(witness ? { witness } : {}) };
}

/** The trust list in its current form (a bare map of keys is read as keys valid since always). */
function trustAnchorsOf(trust: TrustList | TrustAnchors | undefined): TrustAnchors | undefined {
  if (!trust) return undefined;
  return 'format' in trust ? (trust as TrustAnchors) : anchorsFrom(trust as TrustList, '1970-01-01T00:00:00.000Z');
}

/**
 * Every key of the trust list by province and key id; without one, this province's own key only. A
 * province whose own key is not in the list it was given refuses to start: its heads would be trusted
 * by no one.
 */
function keyringOf(anchors: TrustAnchors | undefined, own: ProvinceKey): Keyring {
  const ring = anchors
    ? keyringFrom(anchors)
    : new Keyring([{ province: own.province, kid: own.kid, publicKey: own.publicKey }]);
  const listed = ring.find(own.province, own.kid);
  if (!listed?.equals(own.publicKey)) {
    throw new Error(
      `本省密钥 ${own.kid} 不在信任列表中 this province's key ${own.kid} is not in the trust list it was given: its heads would not verify`,
    );
  }
  return ring;
}
