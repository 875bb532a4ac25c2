/**
 * One province node: the four services and the edge, each service with its own NATS connection
 * (the province's account credentials) and its own schema. By default the services share one
 * embedded PGlite database per province; with a PostgreSQL URL each service opens its own pool.
 */

import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAudit } from '@yrd/audit';
import type { TokenVerifier, TrustAnchors, TrustList } from '@yrd/auth';
import { startCatalog } from '@yrd/catalog';
import { startCertificate } from '@yrd/certificate';
import type { SecretResolver } from '@yrd/config';
import { startConsent } from '@yrd/consent';
import { borrow, type DatabaseHandle, openDatabase } from '@yrd/db';
import { startEdge } from '@yrd/edge';
import { startExchange } from '@yrd/exchange';
import type { Logger } from '@yrd/logger';
import { connectProvince, type NatsConnection, type NatsCredentials } from '@yrd/nats';
import {
  defaultPorts,
  type Province,
  type ServiceName,
  type SubjectKeyring,
  SubjectRefs,
  services as serviceNames,
} from '@yrd/region';
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
} from './compose.js';

export interface ProvinceNodeConfig {
  province: Province;
  logger: Logger;
  nats: { url: string; credentials: NatsCredentials };
  /** PGlite folder; absent = in memory (tests) */
  dataDir?: string | undefined;
  /** PostgreSQL URL; overrides PGlite */
  databaseUrl?: string | undefined;
  /**
   * the regional trust list (public keys only): a v2 list with every province's current and past keys,
   * or a bare map of one key per province (read as keys valid since always)
   */
  trust: TrustList | TrustAnchors;
  /**
   * the province's own private key: a file only this node reads (production and the demo), or the JWK
   * itself (tests). A node is never given another province's private key.
   */
  privateKey: { file: string } | { jwk: JsonWebKey };
  /** the regional subject keyring the four provinces share: references to people (see @yrd/region) */
  subjectKeys: SubjectKeyring;
  /** dev mode: seed users and dev tokens at the edge */
  devMode: boolean;
  /** load the demo seeds on first start */
  seed: boolean;
  /** 0 = the default ports (7310…); tests pass 'random' */
  ports?: 'default' | 'random';
  clock?: () => Date;
  /** the exchange's data sources: secretRef lookup, and production (plain http to other hosts refused) */
  exchangeSources?: { secrets: SecretResolver; production: boolean };
  /**
   * where the province's users reach its edge (https://sh.yrd.example, or a gateway path), without
   * a trailing slash; every link the platform hands out starts with it. Absent: the edge's own origin.
   */
  publicBaseUrl?: string | undefined;
  /** the built console (apps/console/dist) the edge serves at `/`; absent: the API only */
  consoleDir?: string | undefined;
}

/**
 * How long each JetStream set-up step of a service's start is asked again while the broker, busy or
 * still starting, does not answer in time (`untilAnswered` in @yrd/nats).
 */
const startPatienceMs = 30_000;

export interface ProvinceNode {
  province: Province;
  /** the edge's own origin */
  url: string;
  /** the edge's admin listener (GET /metrics); each service's is in `services[name].adminUrl` */
  adminUrl: string;
  /** where users reach the edge (configured, or the edge's own origin): links start with it */
  publicBaseUrl: string;
  services: Record<string, RunningService>;
  verifier: TokenVerifier;
  /** the province's embedded database, shared by its services (absent with PostgreSQL): for operations and tests */
  database?: DatabaseHandle;
  /** pulls the other provinces' published entries now (they also arrive by events and a timer) */
  syncCatalog(): Promise<void>;
  stop(): Promise<void>;
}

export async function startProvinceNode(cfg: ProvinceNodeConfig): Promise<ProvinceNode> {
  const { province } = cfg;
  const logger = cfg.logger.child({ province });
  const clock = cfg.clock ?? (() => new Date());
  const privateJwk =
    'file' in cfg.privateKey
      ? (JSON.parse(readFileSync(cfg.privateKey.file, 'utf8')) as JsonWebKey)
      : cfg.privateKey.jwk;
  // tokens are signed with each province's current key
  const { key, anchors, trust, verifier } = provinceIdentity(province, cfg.trust, privateJwk, clock());
  const subjectRefs = new SubjectRefs(cfg.subjectKeys);
  const defaults = defaultPorts(province);
  const random = cfg.ports === 'random';
  const port = (p: number) => (random ? 0 : p);

  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        logger.warn({ err }, 'shutdown step failed');
      }
    }
  };

  try {
    const shared = cfg.databaseUrl
      ? undefined
      : await openDatabase({ dataDir: cfg.dataDir ? join(cfg.dataDir, 'pgdata') : undefined, logger });
    if (shared) cleanups.push(() => shared.close());
    const dbFor = async (): Promise<DatabaseHandle> => {
      if (shared) return borrow(shared);
      const h = await openDatabase({ url: cfg.databaseUrl, poolSize: 4 });
      cleanups.push(() => h.close());
      return h;
    };
    const natsFor = async (service: ServiceName): Promise<NatsConnection> => {
      const nc = await connectProvince({
        servers: cfg.nats.url,
        credentials: cfg.nats.credentials,
        name: `${province}/${service}`,
        logger,
      });
      cleanups.push(async () => {
        await nc.drain();
      });
      return nc;
    };
    const grpcAddress = {} as Record<ServiceName, string>;
    for (const s of serviceNames) grpcAddress[s] = `127.0.0.1:${defaults.grpc[s]}`;
    const depsFor = async (service: ServiceName): Promise<ServiceDeps> => ({
      province,
      logger,
      db: await dbFor(),
      nc: await natsFor(service),
      patience: { withinMs: startPatienceMs, logger },
      verifier,
      key,
      subjectRefs,
      grpcAddress,
      ports: {
        http: port(defaults.http[service]),
        grpc: port(defaults.grpc[service]),
        admin: port(defaults.admin[service]),
      },
      // one registry per service, never prom-client's global one: a process may hold several
      // provinces (the demo, the tests), and each service is scraped on its own admin port
      metrics: metricsRegistry({ province, service }),
      clock,
    });

    // links the platform hands out start with the province's public base URL; when none is
    // configured, the edge's own origin (known before it listens unless its port is chosen then)
    let publicBaseUrl = cfg.publicBaseUrl ?? (random ? '' : `http://127.0.0.1:${defaults.edge}`);

    const agencies = agencyNames(province);
    const catalog = await startCatalog(await depsFor('catalog'), {
      agencies: { nameOf: (c) => agencies.get(c) },
      publicBaseUrl: () => publicBaseUrl,
      ...(cfg.seed ? { seed: catalogSeed(province, clock().toISOString()) } : {}),
    });
    cleanups.push(() => catalog.stop());
    grpcAddress.catalog = `127.0.0.1:${catalog.grpcPort}`;

    const consent = await startConsent(await depsFor('consent'), {
      trust,
      ...(cfg.seed ? { seedConsents: consentSeed(province, subjectRefs) } : {}),
    });
    cleanups.push(() => consent.stop());
    grpcAddress.consent = `127.0.0.1:${consent.grpcPort}`;

    const exchange = await startExchange(await depsFor('exchange'), {
      // consent runs in this process: its Authorize is a function call, not a gRPC hop
      policy: consent.app.authorization,
      ...(cfg.exchangeSources ? { sources: cfg.exchangeSources } : {}),
      ...(cfg.seed ? { datasets: exchangeDatasets(province) } : {}),
    });
    cleanups.push(() => exchange.stop());
    grpcAddress.exchange = `127.0.0.1:${exchange.grpcPort}`;

    const audit = await startAudit(await depsFor('audit'), {
      trust: anchors,
      exchangeMetricsUrl: `${exchange.adminUrl}/metrics`,
    });
    cleanups.push(() => audit.stop());
    grpcAddress.audit = `127.0.0.1:${audit.grpcPort}`;

    const certificate = await startCertificate(
      await depsFor('certificate'),
      await certificateOptions(province, key, anchors, {
        keyDir: cfg.dataDir ? join(cfg.dataDir, 'certificate-keys') : undefined,
        seed: cfg.seed,
      }),
    );
    cleanups.push(() => certificate.stop());
    grpcAddress.certificate = `127.0.0.1:${certificate.grpcPort}`;

    const services: Record<ServiceName, RunningService> = { catalog, consent, exchange, audit, certificate };
    const edge = await startEdge({
      province,
      logger,
      verifier,
      key,
      upstreams: Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.httpUrl])) as Record<
        ServiceName,
        string
      >,
      // the services run in this process: the edge hands them their requests, no HTTP hop
      local: Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.dispatch])),
      ...(cfg.devMode ? { devUsers: devUsers(subjectRefs) } : {}),
      ...(cfg.publicBaseUrl ? { publicBaseUrl: cfg.publicBaseUrl } : {}),
      port: port(defaults.edge),
      adminPort: port(defaults.admin.edge),
      metrics: metricsRegistry({ province, service: 'edge' }),
      ...(cfg.consoleDir ? { consoleDir: cfg.consoleDir } : {}),
    });
    cleanups.push(() => edge.stop());
    publicBaseUrl = cfg.publicBaseUrl ?? edge.url;
    logger.info({ url: edge.url }, `province node ${province} ready`);
    return {
      province,
      url: edge.url,
      adminUrl: edge.adminUrl,
      publicBaseUrl,
      services,
      verifier,
      ...(shared ? { database: shared } : {}),
      syncCatalog: async () => {
        await catalog.federation.syncAll();
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
