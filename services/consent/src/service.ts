import { fileURLToPath } from 'node:url';
import { AuditPublisher } from '@yrd/audit-events';
import type { TrustList } from '@yrd/auth';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { subjects } from '@yrd/nats';
import { catalogV1 } from '@yrd/proto';
import { type RunningService, runService, type ServiceDeps } from '@yrd/runtime';
import { ConsentRepo } from './adapters/db.js';
import { GrpcCatalog, registerConsentGrpc } from './adapters/grpc.js';
import { consentRoutes } from './adapters/http.js';
import { ConsentLanes, NatsConsentPeers, RevocationListener } from './adapters/nats.js';
import { RevocationRepo } from './adapters/revocation-db.js';
import { ConsentApp, type ConsentInput } from './app/consent.js';
import { RevocationRegister } from './app/revocations.js';

export const consentMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/** A consent to load at first start (demo data): issued as if the subject had signed it. */
export interface SeedConsent extends ConsentInput {
  /** `subjectRef`: the person's reference, as their province puts it in their token */
  subject: { sub: string; name?: string; subjectRef?: string };
}

export interface ConsentOptions {
  /** the regional trust list: verifies consent artefacts issued by other provinces */
  trust: TrustList;
  seedConsents?: SeedConsent[];
  /** how often overdue applications are expired and escalated (default every minute) */
  sweepMs?: number;
  /** how often the revocation register catches up with every province (default every 30 s) */
  revocationCatchUpMs?: number;
}

export interface RunningConsent extends RunningService {
  app: ConsentApp;
  /** the revocation register (撤销登记): what was revoked anywhere in the region */
  revocations: RevocationRegister;
}

export async function startConsent(deps: ServiceDeps, opts: ConsentOptions): Promise<RunningConsent> {
  const logger = deps.logger.child({ service: 'consent' });
  await migrate(deps.db, 'consent', consentMigrations);
  const repo = new ConsentRepo(deps.db);
  // the province's audit stream exists before the first fact (a seeded consent included) is recorded
  const audit = new AuditPublisher(deps.nc, deps.province);
  await audit.ensure();
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
  const listener = new RevocationListener(deps.nc, revocations, logger, opts.revocationCatchUpMs);
  const app = new ConsentApp(
    deps.province,
    repo,
    catalog,
    peers,
    audit,
    deps.key,
    deps.subjectRefs,
    opts.trust,
    deps.clock,
    logger,
    revocations,
  );
  let sweeper: NodeJS.Timeout | undefined;
  const lanes = new ConsentLanes(deps.nc, deps.province, deps.verifier, app, logger, revocations);
  const http = await buildHttpApp({
    service: 'consent',
    logger,
    verifier: deps.verifier,
    openapi: { title: 'YRD 授权服务 Consent API', description: '共享申请、审核、授权、授权书与授权决策' },
  });
  consentRoutes(http, app);
  const running = await runService({
    name: 'consent',
    deps: { ...deps, logger },
    http,
    grpcServiceNames: ['yrd.consent.v1.ConsentService'],
    registerGrpc: (s) => registerConsentGrpc(s, app),
    start: async () => {
      await lanes.start();
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
      const seeded = await app.seedConsents(
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
        app
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
      catalogChanges?.unsubscribe();
      catalog.close();
    },
  });
  return { ...running, app, revocations };
}
