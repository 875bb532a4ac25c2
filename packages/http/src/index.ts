/**
 * Builds a service's fastify app the same way everywhere: zod schemas (validation, serialisation
 * and the OpenAPI document), one error handler that speaks application/problem+json with a stable
 * `code`, request ids, trace context from the caller, and bearer-token authentication.
 * The app never listens; main.ts / the node composition does.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import swagger from '@fastify/swagger';
import { bearer, type Principal, type Role, type TokenVerifier } from '@yrd/auth';
import { AppError, asAppError, type ErrorKind, forbidden, invalid, statusFor, toProblem } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import {
  type Counter,
  context,
  counter,
  extractTraceContext,
  type Histogram,
  histogram,
  type Registry,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  tracer,
} from '@yrd/telemetry';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import {
  excerpt,
  findUnstorableString,
  jsonDepthExceeds,
  jsonMayHoldUnstorable,
  maxJsonDepth,
  urlProblem,
} from './input.js';
import { bilingualIssueMessage } from './issue-message.js';
import { documentingSerializerCompiler, documentTransform, routeTransform } from './openapi.js';

export { excerpt, findUnstorableString, jsonDepthExceeds, jsonMayHoldUnstorable, maxJsonDepth } from './input.js';
export {
  documentTransform,
  fastifyPath,
  httpMethods,
  type OpenApiDocument,
  type OpenApiOperation,
  problemMediaType,
  problemResponse,
} from './openapi.js';
export { publicApiRoutes } from './public-routes.js';
export type { ZodTypeProvider };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    span: Span | undefined;
    /** the stable code of the problem+json this request was answered with, for the refusal count */
    problemCode: string | undefined;
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
  /** the service's registry: request counts and latency by route template, refusals by code */
  metrics?: Registry;
}

interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status_code'>;
  duration: Histogram<'method' | 'route' | 'status_code'>;
  problems: Counter<'code' | 'status_code'>;
}

function httpMetrics(registry: Registry): HttpMetrics {
  return {
    requests: counter(registry, {
      name: 'http_server_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
    }),
    duration: histogram(registry, {
      name: 'http_server_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
    }),
    problems: counter(registry, {
      name: 'yrd_http_problems_total',
      help: 'Error answers (problem+json) by stable code and status code',
      labelNames: ['code', 'status_code'],
    }),
  };
}

/** Where an app's metrics go; set by `buildHttpApp({ metrics })` or later by `observeHttp`. */
const metricsSlots = new WeakMap<object, { metrics?: HttpMetrics }>();

/**
 * Counts the app's requests into `registry` from now on. The hook is installed by `buildHttpApp`
 * (hooks added after routes are registered in plugins would miss them); this only says where the
 * counts go, so `runService` can hand every service its registry without each service's wiring
 * passing it in.
 */
export function observeHttp(app: HttpApp, registry: Registry): void {
  const slot = metricsSlots.get(app);
  if (slot) slot.metrics = httpMetrics(registry);
}

/**
 * The route label: fastify's route template (`/api/catalog/v1/resources/:id`), never the URL, which
 * may carry ids or personal data; a request no route matched is `unmatched`.
 */
export function routeLabel(req: FastifyRequest): string {
  return req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched');
}

export type App = FastifyInstance & { withTypeProvider(): FastifyInstance };

const drainingApps = new WeakSet<object>();

/**
 * The process is stopping (SIGTERM, within its grace period): it still answers, but readiness says
 * 503 so whatever routes to it (a Kubernetes Service, a load balancer, the edge) sends its next
 * requests elsewhere, and each answer carries `Connection: close` so kept-alive clients reconnect —
 * to another replica — instead of having their connection reset when the listener closes.
 */
export function beginDrain(app: HttpApp): void {
  drainingApps.add(app);
}

export function isDraining(app: HttpApp): boolean {
  return drainingApps.has(app);
}

/** What readiness answers while the process drains (503, problem+json), with what identifies it. */
export function drainingProblem(requestId: string, about: Record<string, unknown>) {
  return {
    type: 'https://yrd.example/problems/node-draining',
    title: 'NODE.DRAINING',
    status: 503,
    code: 'NODE.DRAINING',
    detail: '服务正在停止，请改用其他实例 stopping: send new requests elsewhere',
    requestId,
    ...about,
  };
}

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
    // refusals made before a route runs (a URL that does not decode, an over-long path parameter)
    // and on the raw connection (headers too large) speak problem+json like every other refusal
    frameworkErrors: (err, req, reply) => {
      const { error, status } = refusalOf(err);
      sendProblem(reply as FastifyReply, error, req as FastifyRequest, status);
    },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(documentingSerializerCompiler);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('span', undefined);
  app.decorateRequest('problemCode', undefined);
  const slot: { metrics?: HttpMetrics } = opts.metrics ? { metrics: httpMetrics(opts.metrics) } : {};
  metricsSlots.set(app, slot);

  const open = new Set(['/healthz', '/livez', '/readyz', ...(opts.publicRoutes ?? [])]);
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
    transform: routeTransform(opts.service),
    transformObject: documentTransform(open),
  });

  // JSON bodies: fastify's own parser (which refuses __proto__ and constructor.prototype), after a
  // non-recursive depth check, so that no deep document reaches code that recurses over it
  const parseJson = app.getDefaultJsonParser('error', 'error') as (
    req: FastifyRequest,
    body: string,
    done: (err: Error | null, body?: unknown) => void,
  ) => void;
  app.removeContentTypeParser('application/json');
  // the requests whose JSON text has no escape that could make an unstorable string: their parsed
  // bodies need no walk below (a 500-event publish: ~0.5 ms of walking and paths saved)
  const storableBodies = new WeakSet<FastifyRequest>();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text)) {
      done(
        invalid('REQUEST.TOO_DEEP', `请求体嵌套过深 the JSON body nests deeper than ${maxJsonDepth} levels`),
        undefined,
      );
      return;
    }
    if (!jsonMayHoldUnstorable(text)) storableBodies.add(req);
    parseJson(req, text, done);
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
  // A URL must decode (percent-encoded UTF-8) and hold no NUL before anything looks at it: the edge's
  // proxy and the database would otherwise fail on it with a 500.
  app.addHook('onRequest', async (req, reply) => {
    const problem = urlProblem(req.url);
    if (problem === 'bad_encoding') {
      return sendProblem(
        reply,
        invalid('REQUEST.BAD_ENCODING', '请求地址编码无效 the URL is not valid percent-encoded UTF-8'),
        req,
      );
    }
    if (problem === 'nul') {
      return sendProblem(
        reply,
        invalid('REQUEST.UNSUPPORTED_CHARACTER', '请求地址含有空字符 the URL contains a NUL character'),
        req,
      );
    }
  });
  // No string that PostgreSQL text cannot store (NUL, an unpaired surrogate) reaches a handler, in a
  // path parameter, a query parameter or anywhere in a parsed body, keys included.
  app.addHook('preValidation', async (req, reply) => {
    const bad =
      findUnstorableString(req.params, '/params') ??
      findUnstorableString(req.query, '/query') ??
      (storableBodies.has(req) ? undefined : findUnstorableString(req.body, '/body'));
    if (!bad) return;
    const what = bad.reason === 'nul' ? '空字符 a NUL character' : '不成对的代理字符 an unpaired UTF-16 surrogate';
    const path = excerpt(bad.path, 120);
    return sendProblem(
      reply,
      invalid('REQUEST.UNSUPPORTED_CHARACTER', `字段 ${path} 含有无法保存的字符 contains ${what}`, {
        details: { path, reason: bad.reason },
      }),
      req,
    );
  });
  // Whatever answers with an error (a plugin, a proxied upstream, a reply built by hand) answers in
  // problem+json: an error in another format is replaced, and the replacement is logged.
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('application/problem+json')) return payload;
    if (isStream(payload)) payload.destroy();
    req.log.warn({ status: reply.statusCode, contentType: excerpt(type, 60) }, 'error answer replaced by problem+json');
    const status = reply.statusCode;
    const err = new AppError(
      kindForHttp(status),
      `HTTP.STATUS_${status}`,
      `${STATUS_CODES[status] ?? 'error'} (HTTP ${status})`,
    );
    req.problemCode = err.code;
    reply.type('application/problem+json');
    reply.removeHeader('content-length');
    reply.removeHeader('content-encoding');
    return JSON.stringify({ ...toProblem(err, req.id), status });
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.span?.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) req.span?.setStatus({ code: SpanStatusCode.ERROR });
    req.span?.end();
    const m = slot.metrics;
    if (m) {
      const status = String(reply.statusCode);
      const labels = { method: req.method, route: routeLabel(req), status_code: status };
      m.requests.inc(labels);
      m.duration.observe(labels, reply.elapsedTime / 1000);
      // an error answer passed through from the service behind the edge is counted by that service
      if (req.problemCode) m.problems.inc({ code: req.problemCode, status_code: status });
    }
    req.log.info(
      { method: req.method, url: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });

  if (opts.verifier) {
    const verifier = opts.verifier;
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
      new AppError(
        'not_found',
        'HTTP.ROUTE_NOT_FOUND',
        `没有该接口 no route ${excerpt(req.method, 10)} ${excerpt(req.url)}`,
      ),
      req,
    );
  });

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      // a message may quote the input: each is cut short, and a flood of issues is cut to the first few
      const issues = err.validation.slice(0, maxIssues).map((v) => ({
        path: excerpt(v.instancePath || '/', 120),
        message: excerpt(bilingualIssueMessage(v), 240),
      }));
      return sendProblem(
        reply,
        invalid(
          'REQUEST.INVALID',
          `请求格式错误 invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
          { details: { issues } },
        ),
        req,
      );
    }
    if (!(err instanceof AppError)) {
      const refusal = refusalOf(err);
      if (refusal.status < 500 || refusal.error.kind === 'unavailable') {
        if (refusal.status >= 500) req.log.warn({ err, code: refusal.error.code }, 'upstream unavailable');
        return sendProblem(reply, refusal.error, req, refusal.status);
      }
    }
    const e = asAppError(err);
    if (e.kind === 'internal' || e.kind === 'unavailable') req.log.error({ err, code: e.code }, 'request failed');
    return sendProblem(reply, e, req);
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    if (drainingApps.has(app)) reply.header('connection', 'close');
    return payload;
  });
  // Liveness: the process answers. It says nothing of the broker or the database, whose outages
  // readiness (/readyz) reports: restarting a process because its broker is away would not help.
  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok', service: opts.service }));

  // at the root for the service itself, under its API prefix for callers coming through the edge
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get(`/api/${opts.service}/v1/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export type HttpApp = Awaited<ReturnType<typeof buildHttpApp>>;

export function sendProblem(reply: FastifyReply, err: AppError, req: FastifyRequest, statusOverride?: number) {
  const problem = toProblem(err, req.id);
  req.problemCode = err.code;
  const status = statusOverride ?? statusFor(err.kind).http;
  // a rate limit says when to come back (RFC 9110 Retry-After, in seconds)
  const retryAfter = err.details?.retryAfterSeconds;
  if (err.kind === 'rate_limited' && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  // a message that quotes the request (a list of items, an id) is cut to a short excerpt
  const detail = problem.detail === undefined ? {} : { detail: excerpt(problem.detail, maxDetail) };
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ ...problem, ...detail, status });
}

const maxDetail = 500;

/**
 * Answers with JSON already written as text (a page the database wrote, say), sent as it is: a
 * string with a JSON content type skips the route's serialiser. The route's response schema still
 * documents it; its tests hold the text to that schema.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

const maxIssues = 10;

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
}

/**
 * The refusal for an error raised by fastify, its plugins or the proxy (not an AppError): a stable
 * code, a message in both languages that never quotes the input, and the status to answer with.
 */
export function refusalOf(err: unknown): { error: AppError; status: number } {
  const fe = (typeof err === 'object' && err !== null ? err : {}) as FrameworkError;
  const code = typeof fe.code === 'string' ? fe.code : '';
  const statusCode = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  const refuse = (status: number, c: string, message: string) => ({ error: invalid(c, message), status });
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return refuse(400, 'REQUEST.BAD_ENCODING', '请求地址编码无效 the URL is not valid percent-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return refuse(414, 'REQUEST.URL_TOO_LONG', '请求地址过长 a path parameter is too long');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refuse(413, 'REQUEST.TOO_LARGE', '请求体过大 the body is larger than this route accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refuse(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型 unsupported content type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refuse(400, 'REQUEST.MALFORMED', '请求体为空 the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return refuse(400, 'REQUEST.MALFORMED', '请求体不是有效的 JSON the body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return refuse(400, 'REQUEST.MALFORMED', '内容长度与请求体不符 content-length does not match the body');
    default:
      break;
  }
  if (statusCode >= 400 && statusCode < 500) {
    // e.g. a JSON body with __proto__, a malformed multipart part, a proxied path with '..'
    return refuse(statusCode, 'REQUEST.MALFORMED', '请求无法解析 the request cannot be read');
  }
  if (statusCode === 502 || statusCode === 503 || statusCode === 504) {
    return {
      error: new AppError(
        'unavailable',
        'HTTP.UPSTREAM_UNAVAILABLE',
        '服务暂不可用 the service behind is not reachable',
      ),
      status: statusCode,
    };
  }
  return { error: asAppError(err), status: 500 };
}

function kindForHttp(status: number): ErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'invalid';
}

function isStream(v: unknown): v is { destroy: () => void } {
  return (
    typeof v === 'object' && v !== null && 'pipe' in v && typeof (v as { destroy?: unknown }).destroy === 'function'
  );
}

/**
 * Node's HTTP parser refused the connection's request (headers too large, a malformed request
 * line): no fastify request exists, so the problem document is written to the socket itself.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'REQUEST.HEADERS_TOO_LARGE', '请求头过大 the request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST.TIMEOUT', '请求超时 the request did not arrive in time']
        : [400, 'REQUEST.MALFORMED', '请求无法解析 the request cannot be read'];
  const body = JSON.stringify({ ...toProblem(invalid(code, message)), status });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Closing while the client is still sending would reset the connection and lose the answer on the
  // way: read and drop the rest for a moment, then close for good.
  socket.resume();
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** Connections already answered after a parse error (node reports one error per chunk that follows). */
const answered = new WeakSet<Socket>();

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
export { type Problem, problemSchema } from './problem.js';
