/**
 * One service of a province node in a process of its own (service.ts is its command line): its own
 * NATS connection with the province's account, its own database (PostgreSQL, or a PGlite folder no
 * other process opens), and its siblings reached over the network — consent and the exchange ask the
 * catalogue and consent over gRPC, the edge forwards over HTTP to each service's URL. The services do
 * the same work as in the all-in-one node (node.ts); only how they are wired differs.
 *
 * Stopping follows the services' lifecycle (packages/runtime): intake first (HTTP closed once its
 * in-flight requests are answered, gRPC health NOT_SERVING), background work, then the NATS
 * connection drained, then the database closed.
 */

import { join } from 'node:path';
import { loadProvinceKey } from '@yrd/auth';
import type { SecretResolver } from '@yrd/config';
import { type DatabaseHandle, openDatabase, startClustersFrom } from '@yrd/db';
import type { Logger } from '@yrd/logger';
import { brokerState, connectProvince, type NatsConnection } from '@yrd/nats';
import { defaultPorts, type ServiceName, SubjectRefs } from '@yrd/region';
import type { RunningService, ServiceDeps } from '@yrd/runtime';
import { metricsRegistry } from '@yrd/telemetry';
import {
  agencyNames,
  catalogSeed,
  certificateOptions,
  consentSeed,
  devUsers,
  exchangeDatasets,
  provinceIdentity,
  provinceVerifier,
} from './compose.js';
import type { BackendConfig, ProcessName, ServiceConfig } from './service-config.js';

export interface StandaloneProcess {
  name: ProcessName;
  /** the HTTP listener's origin */
  url: string;
  /** the gRPC port (the four services; not the edge) */
  grpcPort?: number;
  /** the admin listener (GET /metrics) */
  adminUrl: string;
  /** stopping begins: readiness 503 NODE.DRAINING and connections closed after each answer, still serving */
  drain(): void;
  /** graceful: intake first, then background work, NATS, the database */
  stop(): Promise<void>;
}

export interface StandaloneContext {
  logger: Logger;
  /** aborted when the process is told to stop while it starts: a start still waiting for its broker gives up */
  signal?: AbortSignal | undefined;
  clock?: () => Date;
  /** the exchange's data sources: secretRef lookup (the process's environment) */
  secrets?: SecretResolver;
}

export function startStandalone<N extends ProcessName>(
  name: N,
  config: ServiceConfig<N>,
  ctx: StandaloneContext,
): Promise<StandaloneProcess> {
  if (name === 'edge') return startStandaloneEdge(config as ServiceConfig<'edge'>, ctx);
  return startStandaloneService(name as ServiceName, config as BackendConfig, ctx);
}

async function startStandaloneService(
  name: ServiceName,
  config: BackendConfig,
  ctx: StandaloneContext,
): Promise<StandaloneProcess> {
  const province = config.YRD_PROVINCE;
  const logger = ctx.logger.child({ province });
  const clock = ctx.clock ?? (() => new Date());
  const { key, anchors, trust, verifier } = provinceIdentity(
    province,
    config.YRD_TRUST_LIST_FILE,
    config.YRD_PROVINCE_KEY_FILE.jwk,
    clock(),
  );
  const subjectRefs = new SubjectRefs(config.YRD_SUBJECT_KEYS_FILE);
  const defaults = defaultPorts(province);
  const pass = config.YRD_NATS_PASSWORD ?? config.YRD_NATS_PASSWORD_FILE ?? '';

  let db: DatabaseHandle | undefined;
  let nc: NatsConnection | undefined;
  let running: RunningService | undefined;
  const release = async () => {
    // each step is tried even when one before it failed: a connection left open keeps the process alive
    const steps: [string, (() => Promise<unknown>) | undefined][] = [
      ['service', running ? () => (running as RunningService).stop() : undefined],
      // a drain flushes to the server: with the broker away there is nothing to flush to
      ['nats', nc ? () => closeNats(nc as NatsConnection) : undefined],
      ['database', db ? () => (db as DatabaseHandle).close() : undefined],
    ];
    const failed: string[] = [];
    for (const [step, run] of steps) {
      if (!run) continue;
      try {
        await run();
      } catch (err) {
        failed.push(step);
        logger.warn({ err, step }, 'shutdown step failed');
      }
    }
    if (failed.length > 0) throw new Error(`停止未完成 shutdown incomplete: ${failed.join(', ')}`);
  };

  try {
    if (config.YRD_PGLITE_EMPTY_CLUSTER_FILE) startClustersFrom(config.YRD_PGLITE_EMPTY_CLUSTER_FILE);
    db = await openDatabase(
      config.YRD_DATABASE_URL
        ? { url: config.YRD_DATABASE_URL, poolSize: config.YRD_DATABASE_POOL_SIZE }
        : // the folder's root may hold other things (a volume's lost+found): PGlite gets its own
          { dataDir: join(config.YRD_DATA_DIR ?? '', 'pgdata'), logger },
    );
    nc = await connectProvince({
      servers: config.YRD_NATS_URL,
      credentials: { user: config.YRD_NATS_USER, pass },
      name: `${province}/${name}`,
      logger,
      firstConnectWithinMs: config.YRD_NATS_CONNECT_WITHIN_MS,
      signal: ctx.signal,
    });
    const siblings = config as Partial<Record<'YRD_CATALOG_GRPC' | 'YRD_CONSENT_GRPC', string>>;
    const deps: ServiceDeps = {
      province,
      logger,
      db,
      nc,
      // a broker too busy to answer the start's JetStream set-up in time is asked again, for as long
      // as the first connection was tried; a stop signal ends the waiting
      patience: { withinMs: config.YRD_NATS_CONNECT_WITHIN_MS, signal: ctx.signal, logger },
      verifier,
      key,
      subjectRefs,
      // only the siblings this service calls are configured; the others it never asks
      grpcAddress: {
        catalog: siblings.YRD_CATALOG_GRPC ?? '',
        consent: siblings.YRD_CONSENT_GRPC ?? '',
        exchange: '',
        audit: '',
        certificate: '',
      },
      ports: {
        http: config.YRD_HTTP_PORT ?? defaults.http[name],
        grpc: config.YRD_GRPC_PORT ?? defaults.grpc[name],
        admin: config.YRD_ADMIN_PORT ?? defaults.admin[name],
      },
      metrics: metricsRegistry({ province, service: name }),
      ...(config.YRD_HOST ? { host: config.YRD_HOST } : {}),
      clock,
    };
    const seed = (config as { YRD_SEED?: boolean }).YRD_SEED === true;
    // a process loads only its own service's code (less memory, a quicker start)
    switch (name) {
      case 'catalog': {
        const { startCatalog } = await import('@yrd/catalog');
        const c = config as ServiceConfig<'catalog'>;
        const agencies = agencyNames(province);
        running = await startCatalog(deps, {
          agencies: { nameOf: (code) => agencies.get(code) },
          publicBaseUrl: c.YRD_PUBLIC_BASE_URL,
          ...(seed ? { seed: catalogSeed(province, clock().toISOString()) } : {}),
        });
        break;
      }
      case 'consent': {
        const { startConsent } = await import('@yrd/consent');
        running = await startConsent(deps, {
          trust,
          ...(seed ? { seedConsents: consentSeed(province, subjectRefs) } : {}),
        });
        break;
      }
      case 'exchange': {
        const { startExchange } = await import('@yrd/exchange');
        // no `policy`: consent runs elsewhere, its Authorize is asked over gRPC
        running = await startExchange(deps, {
          sources: { secrets: ctx.secrets ?? (() => undefined), production: config.NODE_ENV === 'production' },
          ...(seed ? { datasets: exchangeDatasets(province) } : {}),
        });
        break;
      }
      case 'certificate': {
        const { startCertificate } = await import('@yrd/certificate');
        const c = config as ServiceConfig<'certificate'>;
        running = await startCertificate(
          deps,
          await certificateOptions(province, key, anchors, { keyDir: c.YRD_CERTIFICATE_KEY_DIR, seed }),
        );
        break;
      }
      case 'audit': {
        const { startAudit } = await import('@yrd/audit');
        const c = config as ServiceConfig<'audit'>;
        running = await startAudit(deps, {
          trust: anchors,
          ...(c.YRD_EXCHANGE_METRICS_URL ? { exchangeMetricsUrl: c.YRD_EXCHANGE_METRICS_URL } : {}),
        });
        break;
      }
    }
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  const r = running as RunningService;
  return { name, url: r.httpUrl, grpcPort: r.grpcPort, adminUrl: r.adminUrl, drain: () => r.drain(), stop: release };
}

async function startStandaloneEdge(config: ServiceConfig<'edge'>, ctx: StandaloneContext): Promise<StandaloneProcess> {
  const province = config.YRD_PROVINCE;
  const logger = ctx.logger.child({ province });
  const clock = ctx.clock ?? (() => new Date());
  // the edge holds the province's private key only in dev mode, to sign dev tokens
  const keyFile = config.YRD_DEV_MODE ? config.YRD_PROVINCE_KEY_FILE : undefined;
  const { verifier } = provinceVerifier(province, config.YRD_TRUST_LIST_FILE, clock());
  const key = keyFile ? loadProvinceKey(province, keyFile.jwk) : undefined;
  const defaults = defaultPorts(province);
  const keyring = config.YRD_SUBJECT_KEYS_FILE;
  const { startEdge } = await import('@yrd/edge');
  // no `local`: every service is reached over HTTP at its URL
  const edge = await startEdge({
    province,
    logger,
    verifier,
    ...(key ? { key } : {}),
    upstreams: {
      catalog: config.YRD_CATALOG_URL,
      consent: config.YRD_CONSENT_URL,
      exchange: config.YRD_EXCHANGE_URL,
      audit: config.YRD_AUDIT_URL,
      certificate: config.YRD_CERTIFICATE_URL,
    },
    ...(config.YRD_DEV_MODE && keyring ? { devUsers: devUsers(new SubjectRefs(keyring)) } : {}),
    ...(config.YRD_PUBLIC_BASE_URL ? { publicBaseUrl: config.YRD_PUBLIC_BASE_URL } : {}),
    ...(config.YRD_CONSOLE_DIR ? { consoleDir: config.YRD_CONSOLE_DIR } : {}),
    ...(config.YRD_HOST ? { host: config.YRD_HOST } : {}),
    port: config.YRD_HTTP_PORT ?? defaults.edge,
    adminPort: config.YRD_ADMIN_PORT ?? defaults.admin.edge,
    metrics: metricsRegistry({ province, service: 'edge' }),
  });
  return { name: 'edge', url: edge.url, adminUrl: edge.adminUrl, drain: edge.drain, stop: () => edge.stop() };
}

function closeNats(nc: NatsConnection): Promise<void> {
  return brokerState(nc) === 'connected' ? nc.drain() : nc.close();
}
