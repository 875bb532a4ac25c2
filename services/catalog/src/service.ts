import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { type RunningService, runService, type ServiceDeps, type ServiceModule } from '@yrd/runtime';
import { CatalogRepo } from './adapters/db.js';
import { DutyRepo } from './adapters/duty-db.js';
import { dutyRoutes } from './adapters/duty-http.js';
import { registerCatalogGrpc } from './adapters/grpc.js';
import { catalogRoutes } from './adapters/http.js';
import { CatalogFederation, NatsCatalogAnnouncer } from './adapters/nats.js';
import { ownRoutes } from './adapters/own-http.js';
import { SynonymRepo } from './adapters/synonym-db.js';
import { synonymRoutes } from './adapters/synonym-http.js';
import { transferRoutes } from './adapters/transfer-http.js';
import { CatalogApp } from './app/catalog.js';
import { DutyApp } from './app/duty.js';
import { CatalogImports } from './app/import.js';
import { SynonymApp } from './app/synonym.js';
import { simplifier } from './domain/fold.js';
import { type CatalogOptions, parseCatalogOptions } from './options.js';

export const catalogMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/** The catalogue built, not listening: its HTTP app for `inject()`, and the use cases tests and the node drive. */
export interface CatalogModule extends ServiceModule {
  app: CatalogApp;
  imports: CatalogImports;
  federation: CatalogFederation;
}

export interface RunningCatalog extends RunningService {
  app: CatalogApp;
  imports: CatalogImports;
  federation: CatalogFederation;
}

/**
 * Everything the catalogue needs except listening: the schema migrated, the index brought up to date,
 * the seed loaded, routes and gRPC registered. Federation (NATS subscriptions, the resync timer) is
 * background work and starts only in `start()`.
 */
export async function buildCatalog(deps: ServiceDeps, options: CatalogOptions): Promise<CatalogModule> {
  const opts = parseCatalogOptions(options);
  const logger = deps.logger.child({ service: 'catalog' });
  await migrate(deps.db, 'catalog', catalogMigrations);
  const synonyms = new SynonymRepo(deps.db);
  const repo = new CatalogRepo(deps.db, synonyms);
  const reindexed = await repo.reindex();
  if (reindexed > 0) logger.info({ entries: reindexed }, 'search index brought up to date');
  const duties = new DutyRepo(deps.db, deps.province);
  const announcer = new NatsCatalogAnnouncer(deps.nc, deps.province, deps.clock);
  const app = new CatalogApp(deps.province, repo, opts.agencies, announcer, deps.clock, () =>
    duties.negativeList({ includeRemoved: false }),
  );
  if (opts.seed) {
    const n = await app.seed(opts.seed);
    if (n > 0) logger.info({ entries: n }, 'catalogue seeded');
  }
  const federation = new CatalogFederation(deps.nc, deps.province, app, logger, opts.resyncMs);
  const http = await buildHttpApp({
    service: 'catalog',
    logger,
    verifier: deps.verifier,
    openapi: { title: 'YRD 目录服务 Catalog API', description: '政务信息资源目录：编目、发布、区域检索' },
  });
  catalogRoutes(http, app);
  ownRoutes(http, app);
  const imports = new CatalogImports(deps.province, app, deps.clock, randomUUID);
  const configuredBase = opts.publicBaseUrl;
  const publicBaseUrl = typeof configuredBase === 'function' ? configuredBase : () => configuredBase ?? '';
  transferRoutes(http, app, imports, { province: deps.province, clock: deps.clock, publicBaseUrl });
  const dutyApp = new DutyApp(deps.province, duties, opts.agencies, deps.clock, () => announcer.announcePolicyChange());
  dutyRoutes(http, dutyApp);
  synonymRoutes(http, new SynonymApp(deps.province, synonyms, simplifier, deps.clock, randomUUID));
  return {
    name: 'catalog',
    http,
    grpcServiceNames: ['yrd.catalog.v1.CatalogService'],
    registerGrpc: (s) => registerCatalogGrpc(s, app),
    start: () => federation.start(),
    stop: async () => federation.stop(),
    app,
    imports,
    federation,
  };
}

/** Builds the catalogue and makes it listen; without a configured public base URL, links start with its own origin. */
export async function startCatalog(deps: ServiceDeps, options: CatalogOptions): Promise<RunningCatalog> {
  let ownOrigin = '';
  const built = await buildCatalog(deps, { ...options, publicBaseUrl: options.publicBaseUrl ?? (() => ownOrigin) });
  const running = await runService({ ...built, deps: { ...deps, logger: deps.logger.child({ service: 'catalog' }) } });
  ownOrigin = running.httpUrl;
  return { ...running, app: built.app, imports: built.imports, federation: built.federation };
}
