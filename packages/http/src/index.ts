/**
 * Builds a service's fastify app the same way everywhere: zod schemas (validation, serialisation
 * and the OpenAPI document), one error handler that speaks application/problem+json with a stable
 * `code`, request ids, trace context from the caller, and bearer-token authentication.
 * The app never listens; main.ts / the node composition does.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import { bearer, type Principal, type Role, type TokenVerifier } from '@yrd/auth';
import { AppError, asAppError, forbidden, invalid, statusFor, toProblem } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { context, extractTraceContext, type Span, SpanKind, SpanStatusCode, trace, tracer } from '@yrd/telemetry';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';

export type { ZodTypeProvider };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    span: Span | undefined;
  }
}

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  /** when given, every route but the public ones needs a valid bearer token */
  verifier?: TokenVerifier;
  /** routes reachable without a token (exact urls) */
  publicRoutes?: string[];
  openapi?: { title: string; description?: string };
  bodyLimit?: number;
}

export type App = FastifyInstance & { withTypeProvider(): FastifyInstance };

export async function buildHttpApp(opts: HttpAppOptions) {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'http' }),
    // one access-log line per request comes from the onResponse hook below
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && /^[\w.-]{1,100}$/.test(h) ? h : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('span', undefined);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: opts.openapi?.title ?? opts.service,
        version: '1.0.0',
        description: opts.openapi?.description ?? '',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // Each request runs inside a server span whose parent is the caller's trace context.
  app.addHook('onRequest', (req, reply, done) => {
    const parent = extractTraceContext(req.headers);
    const span = tracer().startSpan(
      `${req.method} ${req.routeOptions.url ?? req.url}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'yrd.service': opts.service, 'yrd.request_id': req.id },
      },
      parent,
    );
    req.span = span;
    reply.header('x-request-id', req.id);
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.span?.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) req.span?.setStatus({ code: SpanStatusCode.ERROR });
    req.span?.end();
    req.log.info(
      { method: req.method, url: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });

  if (opts.verifier) {
    const verifier = opts.verifier;
    const open = new Set(['/healthz', ...(opts.publicRoutes ?? [])]);
    app.addHook('preHandler', async (req) => {
      const url = req.routeOptions.url ?? '';
      // API descriptions are public
      if (open.has(url) || (req.url.split('?')[0] ?? '').endsWith('/openapi.json')) return;
      req.principal = await verifier.verifyUser(bearer(req.headers.authorization));
    });
  }

  app.setNotFoundHandler((req, reply) => {
    sendProblem(
      reply,
      new AppError('not_found', 'HTTP.ROUTE_NOT_FOUND', `没有该接口 no route ${req.method} ${req.url}`),
      req,
    );
  });

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message ?? 'invalid' }));
      return sendProblem(
        reply,
        invalid(
          'REQUEST.INVALID',
          `请求格式错误 invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
          {
            details: { issues },
          },
        ),
        req,
      );
    }
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (!(err instanceof AppError) && fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      // fastify's own client errors: malformed JSON, wrong content type, body too large
      const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'REQUEST.TOO_LARGE' : 'REQUEST.MALFORMED';
      return sendProblem(
        reply,
        new AppError(fe.statusCode === 413 ? 'invalid' : 'invalid', code, `请求无法解析 ${fe.message ?? ''}`),
        req,
        fe.statusCode,
      );
    }
    const e = asAppError(err);
    if (e.kind === 'internal' || e.kind === 'unavailable') req.log.error({ err, code: e.code }, 'request failed');
    return sendProblem(reply, e, req);
  });

  // at the root for the service itself, under its API prefix for callers coming through the edge
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get(`/api/${opts.service}/v1/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export type HttpApp = Awaited<ReturnType<typeof buildHttpApp>>;

export function sendProblem(reply: FastifyReply, err: AppError, req: FastifyRequest, statusOverride?: number) {
  const problem = toProblem(err, req.id);
  const status = statusOverride ?? statusFor(err.kind).http;
  // a rate limit says when to come back (RFC 9110 Retry-After, in seconds)
  const retryAfter = err.details?.retryAfterSeconds;
  if (err.kind === 'rate_limited' && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ ...problem, status });
}

/** The authenticated user; throws 401 when absent (e.g. a service built without a verifier). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthenticated', 'AUTH.MISSING_TOKEN', '缺少访问令牌 missing bearer token');
  return req.principal;
}

export function requireRoles(req: FastifyRequest, ...roles: Role[]): Principal {
  const p = principalOf(req);
  if (!roles.some((r) => p.roles.includes(r))) {
    throw forbidden('AUTH.ROLE_REQUIRED', `需要角色 requires one of the roles: ${roles.join(', ')}`);
  }
  return p;
}

/** Problem schema for OpenAPI responses. */
export { problemSchema } from './problem.js';
