import { fileURLToPath } from 'node:url';
import { AuditPublisher } from '@yrd/audit-events';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { subjects } from '@yrd/nats';
import { catalogV1 } from '@yrd/proto';
import { type RunningService, runService, type ServiceDeps, type ServiceModule } from '@yrd/runtime';
import { ConsentRepo } from './adapters/db.js';
import { GrpcCatalog, registerConsentGrpc } from './adapters/grpc.js';
import { consentRoutes } from './adapters/http.js';
import { consentMetrics } from './adapters/metrics.js';
import { ConsentLanes, NatsConsentPeers, RevocationListener } from './adapters/nats.js';
import { RevocationRepo } from './adapters/revocation-db.js';
import { applicationStatsRoutes } from './adapters/stats-http.js';
import { ConsentApp } from './app/consent.js';
import { RevocationRegister } from './app/revocations.js';
import { type ConsentOptions, parseConsentOptions } from './options.js';

export { type ConsentOptions, consentOptionsSchema, type SeedConsent } from './options.js';

export const consentMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

export interface RunningConsent extends RunningService {
  /** the use cases (`app.applications`, `app.grants`, `app.consents`, `app.rules`, `app.authorization`) */
  app: ConsentApp;
  /** the revocation register (撤销登记): what was revoked anywhere in the region */
  revocations: RevocationRegister;
}

/** The consent service built but not listening: its module for runService, and the use cases tests drive. */
export interface ConsentModule extends ServiceModule {
  app: ConsentApp;
  revocations: RevocationRegister;
}

/**
 * Everything the consent service is but listening: options checked, schema migrated, the province's
 * audit stream ensured (every fact, a seeded consent included, is recorded there), the revocation
 * register read back and the routes registered. Nothing runs in the background until `start()` (the
 * consent lanes, catalogue-change and revocation subscriptions, seeding, the overdue sweep), so a
 * test can `http.inject()` into it.
 */
export async function buildConsent(deps: ServiceDeps, options: ConsentOptions): Promise<ConsentModule> {
  const opts = parseConsentOptions(options);
  const logger = deps.logger.child({ service: 'consent' });
  await migrate(deps.db, 'consent', consentMigrations);
  const repo = new ConsentRepo(deps.db);
  const audit = new AuditPublisher(deps.nc, deps.province);
  await audit.ensure(deps.patience);
  const catalog = new GrpcCatalog(deps.grpcAddress.catalog);
  let catalogChanges: { unsubscribe(): void } | undefined;
  const peers = new NatsConsentPeers(deps.nc, deps.province, deps.key);
  const revocations = new RevocationRegister(
    deps.province,
    new RevocationRepo(deps.db, deps.province),
    peers,
    deps.clock,
    logger.child({ component: 'revocations' }),
  );
  // what this province heard of before it stopped refuses from the first Authorize on
  await revocations.load();
  const listener = new RevocationListener(
    deps.nc,
    revocations,
    logger,
    opts.revocationCatchUpMs,
    opts.revocationRetryMs,
  );
  const app = new ConsentApp({
    province: deps.province,
    repo,
    outgoing: repo,
    catalog,
    peers,
    audit,
    key: deps.key,
    subjectRefs: deps.subjectRefs,
    trust: opts.trust,
    clock: deps.clock,
    logger,
    revocations,
  });
  let sweeper: NodeJS.Timeout | undefined;
  const lanes = new ConsentLanes(deps.nc, deps.province, deps.verifier, app, logger, revocations);
  const http = await buildHttpApp({
    service: 'consent',
    logger,
    verifier: deps.verifier,
    openapi: { title: 'YRD 授权服务 Consent API', description: '共享申请、审核、授权、授权书与授权决策' },
  });
  consentRoutes(http, app);
  const statsLane = applicationStatsRoutes(http, { ...deps, logger });
  consentMetrics(deps.metrics, { db: deps.db, clock: deps.clock });
  return {
    name: 'consent',
    http,
    grpcServiceNames: ['yrd.consent.v1.ConsentService'],
    registerGrpc: (s) => registerConsentGrpc(s, app.authorization),
    start: async () => {
      await lanes.start();
      await statsLane.start();
      // a changed or withdrawn entry of this province is read afresh by the next decision
      catalogChanges = deps.nc.subscribe(subjects.catalogEvents(deps.province), {
        callback: (err, m) => {
          if (err) return;
          try {
            // an entry's change names it; a negative-list change names none and may cover any
            const id = catalogV1.CatalogEvent.decode(m.data).resource?.id;
            if (id) catalog.forget(id);
            else catalog.forgetAll();
          } catch {
            logger.debug('unreadable catalogue event ignored');
          }
        },
      });
      await listener.start();
      const seeded = await app.consents.seed(
        (opts.seedConsents ?? []).map(({ subject, ...input }) => ({
          subject: {
            sub: subject.sub,
            name: subject.name ?? '',
            ...(subject.subjectRef ? { subjectRef: subject.subjectRef } : {}),
            province: deps.province,
            agency: '',
            roles: ['subject'],
            kind: 'individual',
          },
          input,
        })),
      );
      if (seeded > 0) logger.info({ consents: seeded }, 'consents seeded');
      sweeper = setInterval(() => {
        app.applications
          .sweepOverdue()
          .then((ids) => {
            if (ids.length > 0) logger.info({ applications: ids.length }, 'overdue applications escalated');
          })
          .catch((err: unknown) => logger.warn({ err }, 'overdue sweep failed'));
      }, opts.sweepMs ?? 60_000);
      sweeper.unref();
    },
    stop: async () => {
      if (sweeper) clearInterval(sweeper);
      listener.stop();
      lanes.stop();
      statsLane.stop();
      catalogChanges?.unsubscribe();
      catalog.close();
    },
    app,
    revocations,
  };
}

/** The consent service, listening: built, then run (HTTP + gRPC, then its background work). */
export async function startConsent(deps: ServiceDeps, options: ConsentOptions): Promise<RunningConsent> {
  const { app, revocations, ...module } = await buildConsent(deps, options);
  const running = await runService({ ...module, deps: { ...deps, logger: deps.logger.child({ service: 'consent' }) } });
  return { ...running, app, revocations };
}
