/**
 * The province's one HTTP origin: authenticates callers, routes /api/<service>/… to the service,
 * reports the node's health, and — in dev mode only — hands out tokens for the seed users.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import replyFrom from '@fastify/reply-from';
import { audiences, signToken } from '@yrd/auth';
import { forbidden, notFound, unavailable } from '@yrd/errors';
import { beginDrain, buildHttpApp, drainingProblem, isDraining, problemResponse, publicApiRoutes } from '@yrd/http';
import { context, injectTraceContext, metricsRegistry, serveMetrics, trace } from '@yrd/telemetry';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { consoleRoutes, serveConsole } from './console.js';
import { docsRoutes, registerApiReference } from './openapi.js';
import { devUserSchema, type EdgeOptions, parseEdgeOptions } from './options.js';

export { type DevUser, devUserSchema, type EdgeOptions, edgeOptionsSchema } from './options.js';

/** The edge's app, built and not listening: tests call `inject()` on it. */
export type EdgeApp = Awaited<ReturnType<typeof assemble>>;

/**
 * Everything the edge is but listening: options checked, the token check, the health route, the dev
 * routes (dev mode only) and the proxy to each service. Nothing is contacted until a request comes.
 */
export function buildEdge(options: EdgeOptions): Promise<EdgeApp> {
  return assemble(parseEdgeOptions(options));
}

/** The edge, listening on its public port, with GET /metrics on its admin port. */
export async function startEdge(options: EdgeOptions) {
  const opts = parseEdgeOptions(options);
  const registry = opts.metrics ?? metricsRegistry({ province: opts.province, service: 'edge' });
  const app = await assemble({ ...opts, metrics: registry });
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  let admin: Awaited<ReturnType<typeof serveMetrics>>;
  try {
    admin = await serveMetrics(registry, { host: opts.host ?? '127.0.0.1', port: opts.adminPort ?? 0 });
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    adminUrl: admin.url,
    /** stopping begins: /readyz 503, every answer closes its connection; still serving */
    drain: () => beginDrain(app),
    stop: async () => {
      await app.close();
      await admin.close();
    },
  };
}

const healthSchema = z.object({
  status: z.string().describe('ok | degraded'),
  province: z.string(),
  services: z.record(z.string(), z.string()).describe('ok, down or the status a service answered'),
});

async function assemble(opts: ReturnType<typeof parseEdgeOptions>) {
  const logger = opts.logger.child({ service: 'edge' });
  const dev = opts.devUsers !== undefined;
  const app = await buildHttpApp({
    service: 'edge',
    logger,
    verifier: opts.verifier,
    publicRoutes: [
      ...publicApiRoutes,
      ...(dev ? ['/api/auth/v1/dev-users', '/api/auth/v1/dev-token'] : []),
      ...docsRoutes,
      ...(opts.consoleDir ? consoleRoutes : []),
    ],
    openapi: { title: `YRD ${opts.province} edge` },
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
  await app.register(replyFrom, { undici: { connections: 64, pipelining: 1 } });
  // the edge forwards bodies it does not read itself (a catalogue import in CSV or XLSX) as they came;
  // the service behind it parses them and enforces its own limits
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) =>
    done(null, body),
  );

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['edge'],
        summary: '健康状况 the node’s health: each service behind this origin (503 when one is not ok)',
        response: {
          200: healthSchema,
          503: problemResponse('一项或多项服务不可用 a service behind this origin is not ok'),
        },
      },
    },
    async (_req, reply) => {
      const checks = await Promise.all(
        Object.entries(opts.upstreams).map(async ([name, url]) => {
          try {
            const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) });
            return [name, r.ok ? 'ok' : `status ${r.status}`] as const;
          } catch {
            return [name, 'down'] as const;
          }
        }),
      );
      const ok = checks.every(([, s]) => s === 'ok');
      reply.status(ok ? 200 : 503);
      return { status: ok ? 'ok' : 'degraded', province: opts.province, services: Object.fromEntries(checks) };
    },
  );

  // Readiness is the edge's own: it can take requests (and answers a service's outage with a 503 of
  // its own), so a service behind it being down does not take the province's entrance out of rotation.
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    if (!isDraining(app)) return { status: 'ok', province: opts.province };
    reply.status(503).type('application/problem+json');
    return drainingProblem(req.id, { province: opts.province });
  });

  if (opts.devUsers) {
    const users = opts.devUsers;
    const key = opts.key;
    // the options refuse dev users without a key; this keeps the type honest
    if (!key) throw new Error('dev mode without the province key');
    app.get(
      '/api/auth/v1/dev-users',
      {
        schema: {
          operationId: 'listDevUsers',
          tags: ['auth'],
          summary: '开发模式：演示用户 seed users (dev mode)',
          response: { 200: z.array(devUserSchema.omit({ subjectRef: true })) },
        },
      },
      async () => users.map(({ subjectRef: _ref, ...u }) => u),
    );
    app.post(
      '/api/auth/v1/dev-token',
      {
        schema: {
          operationId: 'issueDevToken',
          tags: ['auth'],
          summary: '开发模式：签发令牌 token for a seed user (dev mode)',
          body: z.object({ user: z.string().min(1).max(100) }),
          response: {
            200: z.object({
              token: z.string().describe('a bearer token (JWT) signed by this province'),
              user: devUserSchema,
              expiresIn: z.number().int().describe('seconds'),
            }),
            403: problemResponse('该用户属于其他省份 the user belongs to another province: ask its own'),
            404: problemResponse('没有该演示用户 no such seed user'),
          },
        },
      },
      async (req) => {
        const u = users.find((x) => x.id === req.body.user);
        if (!u) throw notFound('AUTH.UNKNOWN_USER', `没有该演示用户 no seed user ${req.body.user}`);
        if (u.province !== opts.province) {
          throw forbidden(
            'AUTH.WRONG_PROVINCE',
            `该用户属于 ${u.province}，请向其所在省份申请令牌 ask the user's own province`,
          );
        }
        const token = await signToken(
          key,
          {
            sub: u.id,
            name: u.name,
            agency: u.agency,
            province: u.province,
            roles: u.roles,
            kind: u.kind,
            ...(u.subjectRef ? { subjectRef: u.subjectRef } : {}),
          },
          { audience: audiences.user, ttlSeconds: opts.tokenTtlSeconds ?? 8 * 3600 },
        );
        return { token, user: u, expiresIn: opts.tokenTtlSeconds ?? 8 * 3600 };
      },
    );
  }

  if (opts.consoleDir) await app.register(serveConsole, { dir: opts.consoleDir });

  await registerApiReference(app, {
    province: opts.province,
    upstreams: opts.upstreams,
    publicBaseUrl: opts.publicBaseUrl,
  });

  // The services check the token again (defence in depth); the edge forwards it unchanged.
  for (const [name, upstream] of Object.entries(opts.upstreams)) {
    const local = opts.local?.[name as keyof typeof opts.upstreams];
    if (local) {
      await app.register(async (scope) => localRoutes(scope, name, local));
      continue;
    }
    const handler = (req: FastifyRequest, reply: FastifyReply) =>
      reply.from(`${upstream}${req.url}`, {
        // the service's span continues the edge's trace
        rewriteRequestHeaders: (_r, headers) => ({ ...headers, ...forwardedHeaders(req) }),
        // a service that cannot be reached (down, refusing, reset, timed out) is the node's outage, not
        // the caller's fault nor an internal error: 503 with a stable code, as every refusal is written
        onError: (r, { error }) => {
          req.log.warn({ upstream: name, err: error }, 'upstream not reachable');
          r.send(
            unavailable('HTTP.UPSTREAM_UNAVAILABLE', `服务暂不可用 the ${name} service is not reachable`, {
              cause: error,
            }),
          );
        },
      });
    const routes = serviceRoutes(name);
    app.all(routes.any, { schema: { hide: true } }, handler);
    for (const path of routes.publicGets) app.get(path, { schema: { hide: true } }, handler);
  }

  return app;
}

/**
 * The routes to a service: its wildcard (any method), and the GET routes anyone may read, matched on
 * their own (a static or parametric route wins over the wildcard) so the token check lets them through.
 */
function serviceRoutes(name: string): { any: string; publicGets: string[] } {
  return { any: `/api/${name}/*`, publicGets: publicApiRoutes.filter((p) => p.startsWith(`/api/${name}/`)) };
}

/** What the service behind the edge learns of the request: its id, and the trace it continues. */
function forwardedHeaders(req: FastifyRequest): Record<string, string> {
  return {
    ...injectTraceContext({}, req.span ? trace.setSpan(context.active(), req.span) : context.active()),
    'x-request-id': req.id,
  };
}

/**
 * A service in the edge's own process: once the edge has checked the caller, the request goes to the
 * service as it came — its body unread (this scope's parser leaves it to the service, which parses it
 * and enforces its own limits), the answer written by the service straight to the caller, streamed
 * as the service streams it (server-sent events too). No socket, no second HTTP parse.
 */
function localRoutes(
  scope: FastifyInstance,
  name: string,
  dispatch: (req: IncomingMessage, res: ServerResponse) => void,
) {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  const handler = (req: FastifyRequest, reply: FastifyReply) => {
    Object.assign(req.raw.headers, forwardedHeaders(req));
    // the edge's onResponse (its span, metrics, access log) still runs when the service has answered
    reply.hijack();
    dispatch(req.raw, reply.raw);
  };
  const routes = serviceRoutes(name);
  scope.all(routes.any, { schema: { hide: true } }, handler);
  for (const path of routes.publicGets) scope.get(path, { schema: { hide: true } }, handler);
}
