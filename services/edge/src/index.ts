/**
 * The province's one HTTP origin: authenticates callers, routes /api/<service>/… to the service,
 * reports the node's health, and — in dev mode only — hands out tokens for the seed users.
 */
import replyFrom from '@fastify/reply-from';
import { audiences, type Principal, type ProvinceKey, signToken, type TokenVerifier } from '@yrd/auth';
import { forbidden, notFound } from '@yrd/errors';
import { buildHttpApp, publicApiRoutes } from '@yrd/http';
import type { Logger } from '@yrd/logger';
import type { Province, ServiceName } from '@yrd/region';
import { context, injectTraceContext, trace } from '@yrd/telemetry';
import { z } from 'zod';

export interface DevUser {
  id: string;
  name: string;
  agency: string;
  province: Province;
  roles: Principal['roles'];
  kind: Principal['kind'];
  subjectRef?: string;
}

export interface EdgeOptions {
  province: Province;
  logger: Logger;
  verifier: TokenVerifier;
  key: ProvinceKey;
  /** base URL of each service's HTTP API */
  upstreams: Record<ServiceName, string>;
  /** dev mode: seed users and the dev-token route; never in production (checked by config) */
  devUsers?: DevUser[];
  tokenTtlSeconds?: number;
  host?: string;
  port: number;
}

export async function startEdge(opts: EdgeOptions) {
  const logger = opts.logger.child({ service: 'edge' });
  const dev = opts.devUsers !== undefined;
  const app = await buildHttpApp({
    service: 'edge',
    logger,
    verifier: opts.verifier,
    publicRoutes: [...publicApiRoutes, ...(dev ? ['/api/auth/v1/dev-users', '/api/auth/v1/dev-token'] : [])],
    openapi: { title: `YRD ${opts.province} edge` },
  });
  await app.register(replyFrom, { undici: { connections: 64, pipelining: 1 } });
  // the edge forwards bodies it does not read itself (a catalogue import in CSV or XLSX) as they came;
  // the service behind it parses them and enforces its own limits
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
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
  });

  if (opts.devUsers) {
    const users = opts.devUsers;
    app.get('/api/auth/v1/dev-users', { schema: { summary: '开发模式：演示用户 seed users (dev mode)' } }, async () =>
      users.map(({ subjectRef: _ref, ...u }) => u),
    );
    app.post(
      '/api/auth/v1/dev-token',
      {
        schema: {
          summary: '开发模式：签发令牌 token for a seed user (dev mode)',
          body: z.object({ user: z.string().min(1).max(100) }),
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
          opts.key,
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

  // The services check the token again (defence in depth); the edge forwards it unchanged.
  for (const [name, upstream] of Object.entries(opts.upstreams)) {
    const handler = (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) =>
      reply.from(`${upstream}${req.url}`, {
        // the service's span continues the edge's trace
        rewriteRequestHeaders: (_r, headers) => ({
          ...headers,
          ...injectTraceContext({}, req.span ? trace.setSpan(context.active(), req.span) : context.active()),
          'x-request-id': req.id,
        }),
      });
    app.all(`/api/${name}/*`, { schema: { hide: true } }, handler);
    // the routes anyone may read are matched on their own (a static or parametric route wins over the
    // wildcard), so the token check above lets them through
    for (const path of publicApiRoutes) {
      if (path.startsWith(`/api/${name}/`)) app.get(path, { schema: { hide: true } }, handler);
    }
  }

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { url: `http://${opts.host ?? '127.0.0.1'}:${port}`, stop: () => app.close() };
}
