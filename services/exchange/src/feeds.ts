/**
 * Wires subscriptions (订阅) into the exchange service: one call from service.ts builds both sides,
 * the routes, the lane ops and the revocation watch, and hands back start/stop.
 */
import type { AuditSink } from '@yrd/audit-events';
import type { HttpApp } from '@yrd/http';
import type { Logger } from '@yrd/logger';
import type { ServiceDeps } from '@yrd/runtime';
import { GrpcCatalogEntries } from './adapters/catalog.js';
import { FeedLaneOps, JetStreamFeedLog, NatsSubscriptionLanes, RevocationWatch } from './adapters/feed-nats.js';
import { PublishedEventRepo, SubscriptionRepo } from './adapters/subscription-db.js';
import { subscriptionRoutes } from './adapters/subscription-http.js';
import type { AuditGate, PolicyDecider } from './app/exchange.js';
import { ProviderFeeds } from './app/feeds.js';
import { RequesterFeeds } from './app/subscriber.js';
import { defaultFeedSettings, type FeedSettings, type Liveness } from './app/subscriptions.js';

export interface FeedOptions extends Partial<FeedSettings> {
  /** how long the provider waits for the requester to confirm a batch (default 5000 ms) */
  deliverTimeoutMs?: number;
  /** how long a subscribe or unsubscribe waits for the provider (default 5000 ms) */
  providerTimeoutMs?: number;
  /** how long the provider keeps events in its feed stream (default 7 days) */
  retentionDays?: number;
  /** how long JetStream waits for an acknowledgement before it hands an event out again (default 30 s) */
  ackWaitMs?: number;
}

export interface Feeds {
  provider: ProviderFeeds;
  requester: RequesterFeeds;
  lanes: FeedLaneOps;
  routes(http: HttpApp): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function buildFeeds(
  deps: ServiceDeps,
  ctx: { logger: Logger; audit: AuditSink; policy: PolicyDecider; liveness?: Liveness; auditGate?: AuditGate },
  opts: FeedOptions = {},
): Feeds {
  const logger = ctx.logger.child({ component: 'feeds' });
  const d = defaultFeedSettings;
  const settings: FeedSettings = {
    batchSize: opts.batchSize ?? d.batchSize,
    idleWaitMs: opts.idleWaitMs ?? d.idleWaitMs,
    decisionTtlMs: opts.decisionTtlMs ?? d.decisionTtlMs,
    retryMinMs: opts.retryMinMs ?? d.retryMinMs,
    retryMaxMs: opts.retryMaxMs ?? d.retryMaxMs,
    recheckMs: opts.recheckMs ?? d.recheckMs,
  };
  const store = new SubscriptionRepo(deps.db, logger);
  const retentionDays = opts.retentionDays ?? 7;
  const log = new JetStreamFeedLog(deps.nc, deps.province, logger, {
    retentionDays,
    ackWaitMs: opts.ackWaitMs ?? 30_000,
    // as long as JetStream's own publish waits
    publishTimeoutMs: 5000,
    patience: deps.patience,
  });
  const lanes = new NatsSubscriptionLanes(deps.nc, {
    providerMs: opts.providerTimeoutMs ?? 5000,
    deliverMs: opts.deliverTimeoutMs ?? 5000,
  });
  const catalog = new GrpcCatalogEntries(deps.grpcAddress.catalog);
  const provider = new ProviderFeeds(
    deps.province,
    deps.verifier,
    ctx.policy,
    store,
    log,
    new PublishedEventRepo(deps.db, retentionDays, logger),
    catalog,
    lanes,
    ctx.audit,
    logger,
    deps.clock,
    settings,
    ctx.liveness,
    ctx.auditGate,
  );
  const requester = new RequesterFeeds(
    deps.province,
    deps.key,
    lanes,
    store,
    ctx.audit,
    logger,
    deps.clock,
    ctx.liveness,
    undefined,
    ctx.auditGate,
  );
  const watch = new RevocationWatch(deps.nc, deps.province, (kind, id) => provider.revoked(kind, id), logger);
  return {
    provider,
    requester,
    lanes: new FeedLaneOps(provider, requester),
    routes: (http) => subscriptionRoutes(http, requester, provider),
    start: async () => {
      // heard before any delivery starts, so no revocation falls in between
      await watch.start();
      await provider.start();
    },
    stop: async () => {
      await provider.stop();
      watch.stop();
      catalog.close();
    },
  };
}
