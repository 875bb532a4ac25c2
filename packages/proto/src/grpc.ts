/**
 * gRPC plumbing shared by the services: a server with the standard health service, a unary handler
 * wrapper (trace context in, AppError → status + stable code out) and a promise-returning client
 * call (trace context out, status → AppError back, a deadline on every call).
 */
import * as grpc from '@grpc/grpc-js';
import { AppError, asAppError, fromWire, kindForGrpc, statusFor } from '@yrd/errors';
import {
  counter,
  extractTraceContext,
  histogram,
  injectTraceContext,
  type Registry,
  SpanKind,
  withSpan,
} from '@yrd/telemetry';
import { HealthImplementation, service as healthService } from 'grpc-health-check';

export { grpc };

export interface GrpcServerHandle {
  server: grpc.Server;
  health: HealthImplementation;
  port: number;
  stop(): Promise<void>;
}

export async function startGrpcServer(
  register: (server: grpc.Server) => void,
  opts: { host?: string; port: number; serviceNames: string[]; metrics?: Registry },
): Promise<GrpcServerHandle> {
  const server = new grpc.Server(opts.metrics ? { interceptors: [grpcMetrics(opts.metrics)] } : {});
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  for (const n of opts.serviceNames) health.setStatus(n, 'NOT_SERVING');
  health.addToServer(server);
  register(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host ?? '127.0.0.1'}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const setAll = (s: 'SERVING' | 'NOT_SERVING') => {
    health.setStatus('', s);
    for (const n of opts.serviceNames) health.setStatus(n, s);
  };
  setAll('SERVING');
  return {
    server,
    health,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        setAll('NOT_SERVING');
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 3000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/**
 * Counts every call the server answers (health checks included) by method path and status code,
 * with its latency: an interceptor sees the status actually sent, whatever handler sent it. The
 * method path names the service and method (`/yrd.consent.v1.ConsentService/Authorize`): a fixed set.
 */
function grpcMetrics(registry: Registry): grpc.ServerInterceptor {
  const handled = counter(registry, {
    name: 'grpc_server_handled_total',
    help: 'gRPC calls answered, by method and status code',
    labelNames: ['grpc_method', 'grpc_code'],
  });
  const duration = histogram(registry, {
    name: 'grpc_server_handling_seconds',
    help: 'Time to answer a gRPC call, by method and status code',
    labelNames: ['grpc_method', 'grpc_code'],
  });
  return (method, call) => {
    const start = performance.now();
    return new grpc.ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const labels = { grpc_method: method.path, grpc_code: grpc.status[status.code] ?? String(status.code) };
        handled.inc(labels);
        duration.observe(labels, (performance.now() - start) / 1000);
        next(status);
      },
    });
  };
}

function metadataRecord(md: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) out[k] = typeof v === 'string' ? v : v.toString();
  return out;
}

/** Wraps a promise-returning implementation as a grpc-js unary handler. */
export function unary<Req, Res>(name: string, impl: (req: Req, md: Record<string, string>) => Promise<Res>) {
  return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
    const md = metadataRecord(call.metadata);
    void withSpan(
      name,
      {
        kind: SpanKind.SERVER,
        parent: extractTraceContext(md),
        attributes: { 'rpc.system': 'grpc', 'rpc.method': name },
      },
      async () => {
        try {
          callback(null, await impl(call.request, md));
        } catch (err) {
          const e = asAppError(err);
          const trailer = new grpc.Metadata();
          trailer.set('yrd-error-code', e.code);
          trailer.set('yrd-error-kind', e.kind);
          if (e.reasons.length > 0) trailer.set('yrd-error-reasons', JSON.stringify(e.reasons));
          callback({
            code: statusFor(e.kind).grpc,
            details: e.exposesMessage ? e.message : 'internal error',
            metadata: trailer,
          });
        }
      },
    );
  };
}

type UnaryMethod<Req, Res> = (
  req: Req,
  md: grpc.Metadata,
  opts: Partial<grpc.CallOptions>,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => grpc.ClientUnaryCall;

/** Calls a unary method with a deadline and trace context; failures come back as AppError. */
export function call<Req, Res>(
  client: grpc.Client,
  method: UnaryMethod<Req, Res>,
  req: Req,
  opts: { deadlineMs?: number; unavailableCode: string; name: string },
): Promise<Res> {
  return withSpan(
    opts.name,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.method': opts.name } },
    () => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(injectTraceContext({}))) md.set(k, v);
      return new Promise<Res>((resolve, reject) => {
        method.call(client, req, md, { deadline: Date.now() + (opts.deadlineMs ?? 5000) }, (err, res) => {
          if (!err) return resolve(res);
          const code = err.metadata?.get('yrd-error-code')[0];
          if (code) {
            const reasons = err.metadata.get('yrd-error-reasons')[0];
            return reject(
              fromWire(
                String(code),
                String(err.metadata.get('yrd-error-kind')[0] ?? ''),
                err.details,
                reasons ? JSON.parse(String(reasons)) : [],
              ),
            );
          }
          const kind = kindForGrpc(err.code);
          // the transport's own words (an address, a socket error) are for the log, through `cause`:
          // the caller is told which call failed, not where the server lives
          reject(
            kind === 'internal'
              ? new AppError('internal', 'INTERNAL', `${opts.name} failed`, { cause: err })
              : new AppError(
                  'unavailable',
                  opts.unavailableCode,
                  `依赖的服务暂不可用，请稍后重试 a service this one depends on is unavailable (${opts.name}); retry later`,
                  { cause: err },
                ),
          );
        });
      });
    },
  );
}

export function insecureClient<C extends grpc.Client>(
  ctor: new (address: string, creds: grpc.ChannelCredentials, options?: Partial<grpc.ClientOptions>) => C,
  address: string,
): C {
  return new ctor(address, grpc.credentials.createInsecure());
}

/** Asks a server's standard gRPC health service (grpc.health.v1) for a service's status. */
export function checkHealth(address: string, service = '', deadlineMs = 2000): Promise<string> {
  const Client = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health');
  const client = new Client(address, grpc.credentials.createInsecure());
  const check = (client as unknown as Record<string, UnaryMethod<{ service: string }, { status: string }>>).Check;
  if (!check) throw new Error('health client has no Check method');
  return new Promise<string>((resolve, reject) => {
    check.call(client, { service }, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(String(res.status));
    });
  });
}
