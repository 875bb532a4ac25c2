/**
 * What every service of a province node receives, and the one lifecycle they share:
 * listen (HTTP + gRPC) → ready → on stop: stop intake (health NOT_SERVING, close HTTP), drain NATS
 * subscriptions, then let the owner close the database and flush telemetry.
 */
import type { ProvinceKey, TokenVerifier } from '@yrd/auth';
import type { DatabaseHandle } from '@yrd/db';
import type { HttpApp } from '@yrd/http';
import type { Logger } from '@yrd/logger';
import { type BrokerState, brokerState, type NatsConnection, onBrokerChange } from '@yrd/nats';
import { type GrpcServerHandle, type grpc, startGrpcServer } from '@yrd/proto';
import type { Province, ServiceName, SubjectRefs } from '@yrd/region';

export interface ServiceDeps {
  province: Province;
  logger: Logger;
  db: DatabaseHandle;
  nc: NatsConnection;
  verifier: TokenVerifier;
  key: ProvinceKey;
  /** references to people and personal keys under the regional subject key (shared by the provinces) */
  subjectRefs: SubjectRefs;
  /** host:port of the sibling services' gRPC servers in the same province */
  grpcAddress: Record<ServiceName, string>;
  ports: { http: number; grpc: number };
  host?: string;
  /** time comes in from outside so use cases and tests control it */
  clock: () => Date;
}

export interface RunningService {
  name: ServiceName;
  httpUrl: string;
  grpcPort: number;
  stop(): Promise<void>;
}

export async function runService(opts: {
  name: ServiceName;
  deps: ServiceDeps;
  http: HttpApp;
  grpcServiceNames: string[];
  registerGrpc: (server: grpc.Server) => void;
  /** background work (NATS subscriptions, consumers) started after listening */
  start?: () => Promise<void>;
  /** stops background work; called before the NATS connection drains */
  stop?: () => Promise<void>;
}): Promise<RunningService> {
  const { deps } = opts;
  const host = deps.host ?? '127.0.0.1';
  let grpcHandle: GrpcServerHandle | undefined;
  // A service cut off from its broker can neither audit nor reach the other provinces: it is
  // degraded, answered 503 (problem+json, as every error answer) so the edge's aggregate and any
  // probe see it.
  opts.http.get('/healthz', { schema: { hide: true } }, async (req, reply) => {
    const nats = brokerState(deps.nc);
    const about = { service: opts.name, province: deps.province, nats };
    if (nats === 'connected') return { status: 'ok', ...about };
    reply.status(503).type('application/problem+json');
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
  try {
    await opts.http.listen({ host, port: deps.ports.http });
    grpcHandle = await startGrpcServer(opts.registerGrpc, {
      host,
      port: deps.ports.grpc,
      serviceNames: opts.grpcServiceNames,
    });
    await opts.start?.();
  } catch (err) {
    await grpcHandle?.stop();
    await opts.http.close();
    throw err;
  }
  const addr = opts.http.server.address();
  const httpPort = typeof addr === 'object' && addr ? addr.port : deps.ports.http;
  deps.logger.info({ http: httpPort, grpc: grpcHandle.port }, `${opts.name} ready`);
  const g = grpcHandle;
  // the standard gRPC health check follows the broker connection too, as /healthz does
  const serving = (state: BrokerState) => {
    const status = state === 'connected' ? 'SERVING' : 'NOT_SERVING';
    g.health.setStatus('', status);
    for (const n of opts.grpcServiceNames) g.health.setStatus(n, status);
  };
  const unwatch = onBrokerChange(deps.nc, serving);
  if (brokerState(deps.nc) !== 'connected') serving(brokerState(deps.nc));
  return {
    name: opts.name,
    httpUrl: `http://${host}:${httpPort}`,
    grpcPort: g.port,
    stop: async () => {
      unwatch();
      await opts.http.close();
      await opts.stop?.();
      await g.stop();
    },
  };
}
