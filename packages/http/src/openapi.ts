/**
 * The OpenAPI side of a service's app: what every operation shares (its service tag, the bearer
 * requirement unless public, the problem+json answers it can give, one `Problem` component) is added
 * here once, so a route declares only what is its own — operationId, summary, request and response
 * schemas, and the media it reads or writes besides JSON.
 */
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySerializerCompiler } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType, safeEncode } from 'zod/v4/core';
import { problemSchema } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The request bodies a route reads itself (an import file in CSV or XLSX), by media type: only
     * documented — fastify's validator never sees them.
     */
    requestMedia?: Record<string, { schema: z.ZodType; description?: string }>;
  }
}

/** The media types of a problem answer. */
export const problemMediaType = 'application/problem+json';

/** A documented problem+json answer, for a route that names one the defaults below do not add. */
export const problemResponse = (description: string) => ({
  description,
  content: { [problemMediaType]: { schema: problemSchema } },
});

/** Names a problem answer by status in the document's `components.responses`. */
const problemAnswers: Record<number, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: '请求格式错误 the request is malformed or fails validation' },
  401: { name: 'Unauthorized', description: '未登录或令牌无效 missing, expired or forged bearer token' },
  403: { name: 'Forbidden', description: '无权操作 the role, agency or province may not do this' },
  404: { name: 'NotFound', description: '不存在 no such resource' },
  409: { name: 'Conflict', description: '状态不允许 the resource is not in a state that allows this' },
  413: { name: 'PayloadTooLarge', description: '请求体过大 the body is larger than this route accepts' },
  414: { name: 'UriTooLong', description: '请求地址过长 a path parameter is too long' },
  415: { name: 'UnsupportedMediaType', description: '不支持的内容类型 unsupported content type' },
  429: { name: 'TooManyRequests', description: '请求过于频繁 rate limited: see Retry-After' },
  503: { name: 'ServiceUnavailable', description: '服务暂不可用 a service behind is not reachable' },
};

const successDescriptions: Record<number, string> = {
  200: '成功 OK',
  201: '已创建 created',
  202: '已受理 accepted: a job or a delivery under way',
  204: '成功，无内容 done, nothing to return',
};

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }> };
  responses?: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema?: unknown }> }>;
  [key: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: {
    schemas?: Record<string, unknown>;
    responses?: Record<string, unknown>;
    securitySchemes?: Record<string, unknown>;
  };
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;

const requestMediaKey = 'x-yrd-request-media';

/**
 * The route transform: zod schemas become JSON schemas (fastify-type-provider-zod), every operation
 * is tagged with its service unless it names finer tags, and media a route reads itself are carried
 * to the document transform below.
 */
export function routeTransform(service: string): SwaggerTransform {
  return (input) => {
    const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
    const schema = out.schema as unknown as Record<string, unknown> | undefined;
    if (!schema || schema.hide) return out;
    if (!schema.tags) schema.tags = [service];
    const media = input.route.config?.requestMedia;
    if (media) {
      schema[requestMediaKey] = Object.fromEntries(
        Object.entries(media).map(([type, m]) => [
          type,
          {
            schema: {
              ...z.toJSONSchema(m.schema, { target: 'draft-2020-12', io: 'input' }),
              ...(m.description ? { description: m.description } : {}),
            },
          },
        ]),
      );
    }
    return out;
  };
}

/** The fastify route template of an OpenAPI path (`/a/{id}` → `/a/:id`). */
export const fastifyPath = (openapiPath: string) => openapiPath.replace(/\{([^}]+)\}/g, ':$1');

/**
 * The document transform: the shared `Problem` schema and answers, the bearer requirement on every
 * operation but the public ones (and `security: []` on those), and the problem+json answers each
 * operation can give by what it takes: 400 always (every URL, query and body is checked), 401/403
 * behind a token, 404/414 with a path parameter, 409 for a change to an identified resource, 503
 * always (a service behind the edge, or one the service calls, may be down).
 */
export function documentTransform(publicRoutes: ReadonlySet<string>): SwaggerTransformObject {
  return (input) => {
    if (!('openapiObject' in input)) return input.swaggerObject;
    // the zod schemas named with .meta({ id }) become components (those of every service built in
    // this process share zod's global registry: only the ones this document refers to are kept)
    const doc = jsonSchemaTransformObject(input) as unknown as OpenApiDocument;
    const problemJson = z.toJSONSchema(problemSchema, { target: 'draft-2020-12', io: 'output' });
    const responses: Record<string, unknown> = {};
    for (const { name, description } of Object.values(problemAnswers)) {
      responses[name] = {
        description,
        content: { [problemMediaType]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    doc.components = {
      ...doc.components,
      schemas: { ...doc.components?.schemas, Problem: stripSchemaKeyword(problemJson) },
      responses: { ...doc.components?.responses, ...responses },
    };
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of httpMethods) {
        const op = item[method];
        if (!op) continue;
        const open = publicRoutes.has(fastifyPath(path));
        if (open) op.security = [];
        const media = op[requestMediaKey] as Record<string, { schema: unknown }> | undefined;
        if (media) {
          delete op[requestMediaKey];
          op.requestBody = {
            required: true,
            content: Object.fromEntries(
              Object.entries(media).map(([type, m]) => [type, { schema: stripSchemaKeyword(m.schema) }]),
            ),
          };
        }
        const hasPathParams = path.includes('{');
        const statuses = [400, 503];
        if (!open) statuses.push(401, 403);
        if (hasPathParams) statuses.push(404, 414);
        if (hasPathParams && method !== 'get') statuses.push(409);
        if (op.requestBody) statuses.push(413, 415);
        op.responses ??= {};
        for (const [status, answer] of Object.entries(op.responses)) {
          // fastify-swagger's placeholder for an answer that names no description of its own
          const success = successDescriptions[Number(status)];
          if (answer.description === 'Default Response' && success) answer.description = success;
          // a problem answer a route names itself points at the shared schema too
          const problem = answer.content?.[problemMediaType];
          if (problem) {
            op.responses[status] = {
              description: answer.description ?? problemAnswers[Number(status)]?.description ?? 'problem',
              content: { [problemMediaType]: { schema: { $ref: '#/components/schemas/Problem' } } },
            };
          }
        }
        for (const status of statuses.sort((a, b) => a - b)) {
          const known = problemAnswers[status];
          if (known && !op.responses[String(status)]) {
            op.responses[String(status)] = { $ref: `#/components/responses/${known.name}` };
          }
        }
      }
    }
    if (doc.components?.schemas) doc.components.schemas = referenced(doc, doc.components.schemas);
    return doc as unknown as ReturnType<SwaggerTransformObject>;
  };
}

/** The component schemas the document refers to, directly or through another component. */
function referenced(doc: OpenApiDocument, schemas: Record<string, unknown>): Record<string, unknown> {
  const prefix = '#/components/schemas/';
  const keep = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(prefix)) {
        const name = child.slice(prefix.length);
        if (!keep.has(name)) {
          keep.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(doc.paths);
  visit(doc.components?.responses);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => keep.has(name)));
}

function stripSchemaKeyword(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _drop, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/** How many answers of each route and status are held against their schema. */
const checkedAnswersPerRoute = 64;

/**
 * Response schemas document the answers; they do not change them. fastify-type-provider-zod's
 * serializer would encode through the schema (dropping fields it does not list, failing on a
 * mismatch); this one writes what the handler returned, exactly as before the schemas were declared,
 * and logs (route and field paths only, never values) where it differs from its documentation, so
 * the route tests show a schema that drifted from its handler.
 */
export const documentingSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema, method, url }) => {
  const zod = schema instanceof $ZodType ? schema : undefined;
  // the check documents, it does not guard: the first answers of each route and status show a drift
  // (the route tests make them), and the exchange's hot path does not pay a schema walk per answer
  let left = checkedAnswersPerRoute;
  return (data) => {
    if (zod && left > 0) {
      left--;
      const checked = safeEncode(zod, data);
      if (checked.error) {
        const paths = checked.error.issues.slice(0, 5).map((i) => `/${i.path.join('/')} ${i.code}`);
        process.emitWarning(`response of ${method} ${url} differs from its schema: ${paths.join('; ')}`, {
          code: 'YRD_RESPONSE_SCHEMA',
        });
      }
    }
    return JSON.stringify(data);
  };
};
