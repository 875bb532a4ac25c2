/**
 * What every service of a province node receives, and the one lifecycle they share:
 * listen (HTTP + gRPC) → ready → on stop: stop intake (health NOT_SERVING, close HTTP), drain NATS
 * subscriptions, then let the owner close the database and flush telemetry.
 */
import type { ProvinceKey, TokenVerifier } from '@yrd/auth';
import type { DatabaseHandle } from '@yrd/db';
import type { HttpApp } from '@yrd/http';
import type { Logger } from '@yrd/logger';
import type { NatsConnection } from '@yrd/nats';
import { type GrpcServerHandle, type grpc, startGrpcServer } from '@yrd/proto';
import type { Province, ServiceName } from '@yrd/region';

export interface ServiceDeps {
  province: Province;
  logger: Logger;
  db: DatabaseHandle;
  nc: NatsConnection;
  verifier: TokenVerifier;
  key: ProvinceKey;
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
  opts.http.get('/healthz', { schema: { hide: true } }, async () => ({
    status: 'ok',
    service: opts.name,
    province: deps.province,
  }));
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
  return {
    name: opts.name,
    httpUrl: `http://${host}:${httpPort}`,
    grpcPort: g.port,
    stop: async () => {
      await opts.http.close();
      await opts.stop?.();
      await g.stop();
    },
  };
}
