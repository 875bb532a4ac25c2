/**
 * What every service of a province node receives, and the one lifecycle they share:
 * listen (HTTP + gRPC) → ready → on stop: stop intake (health NOT_SERVING, close HTTP), drain NATS
 * subscriptions, then let the owner close the database and flush telemetry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProvinceKey, TokenVerifier } from '@yrd/auth';
import type { DatabaseHandle } from '@yrd/db';
import { beginDrain, drainingProblem, type HttpApp, isDraining, observeHttp } from '@yrd/http';
import type { Logger } from '@yrd/logger';
import {
  type BrokerState,
  brokerState,
  type NatsConnection,
  observeNats,
  onBrokerChange,
  type Patience,
} from '@yrd/nats';
import { type GrpcServerHandle, type grpc, startGrpcServer } from '@yrd/proto';
import type { Province, ServiceName, SubjectRefs } from '@yrd/region';
import { type AdminServer, type Registry, serveMetrics } from '@yrd/telemetry';

export interface ServiceDeps {
  province: Province;
  logger: Logger;
  db: DatabaseHandle;
  nc: NatsConnection;
  /**
   * How long the start asks JetStream again for its streams and consumers while the broker does not
   * answer in time (`untilAnswered` in @yrd/nats); absent: once, as in tests
   */
  patience?: Patience;
  verifier: TokenVerifier;
  key: ProvinceKey;
  /** references to people and personal keys under the regional subject key (shared by the provinces) */
  subjectRefs: SubjectRefs;
  /** host:port of the sibling services' gRPC servers in the same province */
  grpcAddress: Record<ServiceName, string>;
  /** `admin` serves GET /metrics (absent or 0: a free port, as in tests) */
  ports: { http: number; grpc: number; admin?: number };
  /**
   * the service's own Prometheus registry (default labels province and service), scraped on the admin
   * port; adapters count into it too. Never prom-client's global registry: one process may run several
   * provinces' services (the demo, the tests).
   */
  metrics: Registry;
  host?: string;
  /** time comes in from outside so use cases and tests control it */
  clock: () => Date;
}

export interface RunningService {
  name: ServiceName;
  httpUrl: string;
  grpcPort: number;
  /** the admin listener: GET /metrics */
  adminUrl: string;
  /**
   * Serves one HTTP request in this process, as the service's own listener would: the edge beside it
   * (a province node) hands its requests here instead of over a socket. Body unread, answer streamed.
   */
  dispatch: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Stopping begins: still serving, but /readyz and /healthz answer 503 NODE.DRAINING, gRPC health
   * NOT_SERVING, and every answer closes its connection (packages/http `beginDrain`).
   */
  drain(): void;
  stop(): Promise<void>;
}

/** Why a service cannot do its job though its broker is up (e.g. the audit log cannot append). */
export interface Unhealthy {
  /** stable code, e.g. AUDIT.LOG_FAILED */
  code: string;
  /** "中文 English", for the operator */
  detail: string;
  /** anything else the operator should see in /healthz */
  about?: Record<string, unknown>;
}

/** A service's own health, beside its broker connection: /healthz and gRPC health follow both. */
export interface ServiceHealth {
  /** undefined while healthy */
  unhealthy(): Unhealthy | undefined;
  /** calls `listener` when it may have changed; returns the unsubscribe */
  onChange(listener: () => void): () => void;
}

/**
 * A service built but not listening: what each service's `buildX(deps, options)` returns. Tests drive
 * `http.inject()` on it; `runService` makes it listen (HTTP + gRPC) and starts its background work.
 */
export interface ServiceModule {
  name: ServiceName;
  http: HttpApp;
  grpcServiceNames: string[];
  registerGrpc: (server: grpc.Server) => void;
  /** background work (NATS subscriptions, consumers) started after listening */
  start?: () => Promise<void>;
  /** stops background work; called before the NATS connection drains */
  stop?: () => Promise<void>;
  /** the service's own health: while unhealthy, /healthz answers 503 with its code and gRPC NOT_SERVING */
  health?: ServiceHealth;
}

export async function runService(opts: ServiceModule & { deps: ServiceDeps }): Promise<RunningService> {
  const { deps } = opts;
  const host = deps.host ?? '127.0.0.1';
  let grpcHandle: GrpcServerHandle | undefined;
  let admin: AdminServer | undefined;
  const { metrics } = deps;
  observeHttp(opts.http, metrics);
  observeNats(deps.nc, metrics);
  // A service cut off from its broker can neither audit nor reach the other provinces: it is
  // degraded, answered 503 (problem+json, as every error answer) so the edge's aggregate and any
  // probe see it.
  //
  // /readyz is the same question for a probe (Kubernetes' readiness); /livez (packages/http) only
  // says the process answers.
  for (const path of ['/healthz', '/readyz']) {
    opts.http.get(path, { schema: { hide: true } }, async (req, reply) => {
      const nats = brokerState(deps.nc);
      const about = { service: opts.name, province: deps.province, nats };
      const own = nats === 'connected' ? opts.health?.unhealthy() : undefined;
      const draining = isDraining(opts.http);
      if (nats === 'connected' && !own && !draining) return { status: 'ok', ...about };
      reply.status(503).type('application/problem+json');
      if (draining) return drainingProblem(req.id, about);
      if (own) {
        return {
          type: `https://yrd.example/problems/${own.code.toLowerCase().replace(/[._]/g, '-')}`,
          title: own.code,
          status: 503,
          code: own.code,
          detail: own.detail,
          requestId: req.id,
          ...about,
          ...(own.about ?? {}),
        };
      }
      return {
        type: 'https://yrd.example/problems/node-degraded',
        title: 'NODE.DEGRADED',
        status: 503,
        code: 'NODE.DEGRADED',
        detail: `服务降级：消息总线连接${nats === 'closed' ? '已关闭' : '中断'} degraded: the NATS connection is ${nats}`,
        requestId: req.id,
        ...about,
      };
    });
  }
  try {
    await opts.http.listen({ host, port: deps.ports.http });
    grpcHandle = await startGrpcServer(opts.registerGrpc, {
      host,
      port: deps.ports.grpc,
      serviceNames: opts.grpcServiceNames,
      metrics,
    });
    admin = await serveMetrics(metrics, { host, port: deps.ports.admin ?? 0 });
    await opts.start?.();
  } catch (err) {
    await admin?.close();
    await grpcHandle?.stop();
    await opts.http.close();
    throw err;
  }
  const addr = opts.http.server.address();
  const httpPort = typeof addr === 'object' && addr ? addr.port : deps.ports.http;
  deps.logger.info({ http: httpPort, grpc: grpcHandle.port, admin: admin.port }, `${opts.name} ready`);
  const g = grpcHandle;
  const a = admin;
  // the standard gRPC health check follows the broker connection too, as /healthz does
  const serving = (state: BrokerState) => {
    const status =
      state === 'connected' && !opts.health?.unhealthy() && !isDraining(opts.http) ? 'SERVING' : 'NOT_SERVING';
    g.health.setStatus('', status);
    for (const n of opts.grpcServiceNames) g.health.setStatus(n, status);
  };
  const unwatchBroker = onBrokerChange(deps.nc, serving);
  const unwatchOwn = opts.health?.onChange(() => serving(brokerState(deps.nc)));
  const unwatch = () => {
    unwatchBroker();
    unwatchOwn?.();
  };
  if (brokerState(deps.nc) !== 'connected' || opts.health?.unhealthy()) serving(brokerState(deps.nc));
  return {
    name: opts.name,
    httpUrl: `http://${host}:${httpPort}`,
    grpcPort: g.port,
    adminUrl: a.url,
    dispatch: (req, res) => opts.http.routing(req, res),
    drain: () => {
      beginDrain(opts.http);
      serving(brokerState(deps.nc));
    },
    stop: async () => {
      unwatch();
      await opts.http.close();
      await opts.stop?.();
      await g.stop();
      await a.close();
    },
  };
}
