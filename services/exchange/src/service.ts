import { fileURLToPath } from 'node:url';
import { AuditPublisher } from '@yrd/audit-events';
import type { SecretResolver } from '@yrd/config';
import { migrate } from '@yrd/db';
import { buildHttpApp } from '@yrd/http';
import { type RunningService, runService, type ServiceDeps, type ServiceModule } from '@yrd/runtime';
import { AuditLogState } from './adapters/audit-state.js';
import { GrpcCatalogEntries } from './adapters/catalog.js';
import { DatasetRepo } from './adapters/db.js';
import { GrpcPolicyDecider, LocalPolicyDecider, registerExchangeGrpc } from './adapters/grpc.js';
import { exchangeRoutes } from './adapters/http.js';
import { HttpConnector } from './adapters/http-connector.js';
import { exchangeMetrics } from './adapters/metrics.js';
import { ExchangeLanes, NatsProviderTransport } from './adapters/nats.js';
import { Presence } from './adapters/presence.js';
import { ReplayRepo } from './adapters/replay-db.js';
import { SourceRepo } from './adapters/sources-db.js';
import { sourceRoutes } from './adapters/sources-http.js';
import { type PolicyDecider, ProviderApp, RequesterApp } from './app/exchange.js';
import { CachedSourceStore, DataSources, SourceAdmin } from './app/sources.js';
import { buildFeeds, type Feeds } from './feeds.js';
import { type ExchangeOptions, parseExchangeOptions } from './options.js';

export const exchangeMigrations = fileURLToPath(new URL('../migrations', import.meta.url));

/** The exchange built, not listening: its HTTP app for `inject()`, and the use cases tests and the node drive. */
export interface ExchangeModule extends ServiceModule {
  requester: RequesterApp;
  provider: ProviderApp;
  feeds: Feeds;
}

export interface RunningExchange extends RunningService {
  requester: RequesterApp;
  provider: ProviderApp;
  feeds: Feeds;
}

/**
 * Everything the exchange needs except listening: the schema migrated, the datasets loaded, the
 * audit stream ensured, routes and gRPC registered. Lanes, presence, the audit state watch, feed
 * consumers and the replay sweep are background work and start only in `start()`. `stop()` also
 * closes the gRPC clients made here: call it on an exchange only built, too.
 */
export async function buildExchange(deps: ServiceDeps, options: ExchangeOptions = {}): Promise<ExchangeModule> {
  const opts = parseExchangeOptions(options);
  const logger = deps.logger.child({ service: 'exchange' });
  await migrate(deps.db, 'exchange', exchangeMigrations);
  const repo = new DatasetRepo(deps.db);
  if (opts.datasets) {
    const n = await repo.seed(opts.datasets);
    if (n > 0) logger.info({ records: n }, 'exchange datasets seeded');
  }
  const publisher = new AuditPublisher(deps.nc, deps.province);
  await publisher.ensure(deps.patience);
  // every record published is an exchange step to count (adapters/metrics.ts)
  const audit = exchangeMetrics(deps.metrics, { province: deps.province, nc: deps.nc, audit: publisher });
  // consent in this process is asked directly; otherwise over gRPC (its client is made at the first
  // call, so an unused one costs nothing, and closed at stop)
  const grpcPolicy = new GrpcPolicyDecider(deps.grpcAddress.consent);
  const policy: PolicyDecider = opts.policy ? new LocalPolicyDecider(opts.policy) : grpcPolicy;
  const presence = new Presence(deps.nc, deps.province, logger, opts.presenceBeatMs);
  // this province's audit log, as its audit service announces it: the exchange fails closed on it
  const auditState = new AuditLogState(deps.nc, deps.province, logger);
  const requester = new RequesterApp(
    deps.province,
    deps.key,
    deps.subjectRefs,
    new NatsProviderTransport(deps.nc, opts.timeoutMs),
    audit,
    logger,
    deps.clock,
    presence,
    auditState,
  );
  const replays = new ReplayRepo(deps.db);
  const sourceStore = new CachedSourceStore(new SourceRepo(deps.db));
  const secrets: SecretResolver = opts.sources?.secrets ?? (() => undefined);
  const sources = new DataSources(
    sourceStore,
    repo,
    new HttpConnector({ secrets, logger: logger.child({ component: 'sources' }) }),
  );
  const catalog = new GrpcCatalogEntries(deps.grpcAddress.catalog);
  const sourceAdmin = new SourceAdmin(
    deps.province,
    sourceStore,
    catalog,
    secrets,
    audit,
    { production: opts.sources?.production ?? false },
    deps.clock,
  );
  const provider = new ProviderApp(
    deps.province,
    deps.verifier,
    deps.subjectRefs,
    policy,
    sources,
    audit,
    logger,
    deps.clock,
    replays,
    opts.replayLeaseMs ?? 6 * (opts.timeoutMs ?? 5000),
    auditState,
  );
  let forget: NodeJS.Timeout | undefined;
  const feeds = buildFeeds(deps, { logger, audit, policy, liveness: presence, auditGate: auditState }, opts.feeds);
  const lanes = new ExchangeLanes(deps.nc, deps.province, provider, logger, feeds.lanes);
  const http = await buildHttpApp({
    service: 'exchange',
    logger,
    verifier: deps.verifier,
    openapi: { title: 'YRD 交换服务 Exchange API', description: '跨省数据查询与核验：提供方授权校验、脱敏、双方留痕' },
  });
  exchangeRoutes(http, requester);
  sourceRoutes(http, sourceAdmin);
  feeds.routes(http);
  return {
    name: 'exchange',
    http,
    grpcServiceNames: ['yrd.exchange.v1.ExchangeService'],
    registerGrpc: (s) => registerExchangeGrpc(s, requester),
    start: async () => {
      // subscribed before the lanes serve; the state comes with the audit service's next beat
      await auditState.start();
      await lanes.start();
      await presence.start();
      await feeds.start();
      forget = setInterval(() => {
        replays
          .forgetBefore(new Date(deps.clock().getTime() - 86_400_000))
          .catch((err: unknown) => logger.warn({ err }, 'old replies not forgotten'));
      }, 3_600_000);
      forget.unref();
    },
    stop: async () => {
      if (forget) clearInterval(forget);
      await feeds.stop();
      await presence.stop();
      lanes.stop();
      auditState.stop();
      grpcPolicy.close();
      catalog.close();
    },
    requester,
    provider,
    feeds,
  };
}

/** Builds the exchange and makes it listen. */
export async function startExchange(deps: ServiceDeps, options: ExchangeOptions = {}): Promise<RunningExchange> {
  const built = await buildExchange(deps, options);
  const running = await runService({ ...built, deps: { ...deps, logger: deps.logger.child({ service: 'exchange' }) } });
  return { ...running, requester: built.requester, provider: built.provider, feeds: built.feeds };
}
