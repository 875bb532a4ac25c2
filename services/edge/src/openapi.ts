/**
 * One OpenAPI document per province origin: the four services' documents merged with the edge's own
 * routes, served at GET /api/openapi.json and browsed at /docs (Swagger UI). Built from the
 * upstreams' documents on the first request and kept; a failed build is not kept, so the next
 * request tries again.
 */
import swaggerUi from '@fastify/swagger-ui';
import { unavailable } from '@yrd/errors';
import { type HttpApp, httpMethods, type OpenApiDocument } from '@yrd/http';

/** The routes of the API reference, all public: the merged document and the Swagger UI's pages. */
export const docsRoutes = [
  '/api/openapi.json',
  '/docs',
  '/docs/',
  '/docs/json',
  '/docs/yaml',
  '/docs/static/*',
  '/docs/static/index.html',
  '/docs/static/swagger-initializer.js',
] as const;

const serviceTags: Record<string, string> = {
  catalog: '目录 catalogue: entries, versions, review, duty and negative lists, import and export',
  consent: '授权 applications, decisions, grants, consents and the rules',
  exchange: '交换 queries, verifications, data sources and subscriptions',
  audit: '留痕 the audit trail, signed heads, proofs and witnesses',
  edge: '入口 the province origin: health and (dev mode) sign-in',
};

export interface MergeInput {
  province: string;
  /** the edge's own document (its dev routes and health) */
  own: OpenApiDocument;
  /** each service's document, by service name */
  services: Record<string, OpenApiDocument>;
  /** the province's public base URL */
  serverUrl: string;
}

/**
 * Merges the documents: paths and components side by side; a path, an operationId or a component
 * defined twice with different content is an error, never a silent overwrite.
 */
export function mergeDocuments({ province, own, services, serverUrl }: MergeInput): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const schemas: Record<string, unknown> = {};
  const responses: Record<string, unknown> = {};
  const operationIds = new Map<string, string>();
  const sources: Array<[string, OpenApiDocument]> = [['edge', own], ...Object.entries(services)];
  for (const [name, doc] of sources) {
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (paths[path]) throw new Error(`path ${path} is in both ${name}'s and another document`);
      paths[path] = item;
      for (const method of httpMethods) {
        const id = item[method]?.operationId;
        if (!id) continue;
        const before = operationIds.get(id);
        if (before) throw new Error(`operationId ${id} is used by ${before} and ${method.toUpperCase()} ${path}`);
        operationIds.set(id, `${method.toUpperCase()} ${path}`);
      }
    }
    addComponents(schemas, doc.components?.schemas, name, 'schema');
    addComponents(responses, doc.components?.responses, name, 'response');
  }
  const used = new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])));
  return {
    openapi: own.openapi,
    info: {
      title: `长三角政务数据共享交换平台 YRD Data Exchange — ${province}`,
      version: own.info.version,
      description:
        '本省入口的公开接口 the public HTTP API of one province origin: the catalogue, consent, exchange and audit services behind its edge. 除标注为公开的接口外均需 bearer 令牌 every operation needs a bearer token unless marked public.',
    },
    servers: [{ url: serverUrl, description: `${province} 省级入口 province origin` }],
    tags: [...used].sort().map((name) => ({ name, ...(serviceTags[name] ? { description: serviceTags[name] } : {}) })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    components: {
      schemas,
      responses,
      ...(own.components?.securitySchemes ? { securitySchemes: own.components.securitySchemes } : {}),
    },
    security: own.security ?? [{ bearer: [] }],
  };
}

function addComponents(
  into: Record<string, unknown>,
  from: Record<string, unknown> | undefined,
  source: string,
  what: string,
) {
  for (const [name, value] of Object.entries(from ?? {})) {
    if (name in into && JSON.stringify(into[name]) !== JSON.stringify(value)) {
      throw new Error(`${what} ${name} of ${source} differs from the one already merged`);
    }
    into[name] = value;
  }
}

export interface ApiReferenceOptions {
  province: string;
  upstreams: Record<string, string>;
  /** the province's public base URL; absent: the origin the first request came to */
  publicBaseUrl: string | undefined;
}

/** Registers GET /api/openapi.json and the Swagger UI at /docs on the edge. */
export async function registerApiReference(app: HttpApp, opts: ApiReferenceOptions) {
  let built: Promise<OpenApiDocument> | undefined;
  let cached: OpenApiDocument | undefined;
  const build = async (origin: string) => {
    const services: Record<string, OpenApiDocument> = {};
    for (const [name, url] of Object.entries(opts.upstreams)) {
      let res: Response;
      try {
        res = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(5000) });
      } catch (err) {
        throw unavailable('HTTP.UPSTREAM_UNAVAILABLE', `服务暂不可用 the ${name} service is not reachable`, {
          cause: err,
        });
      }
      if (!res.ok) {
        throw unavailable('HTTP.UPSTREAM_UNAVAILABLE', `服务暂不可用 the ${name} service answered ${res.status}`);
      }
      services[name] = (await res.json()) as OpenApiDocument;
    }
    return mergeDocuments({
      province: opts.province,
      own: app.swagger() as unknown as OpenApiDocument,
      services,
      serverUrl: opts.publicBaseUrl ?? origin,
    });
  };
  const merged = (origin: string) => {
    built ??= build(origin).then(
      (doc) => {
        cached = doc;
        return doc;
      },
      (err: unknown) => {
        built = undefined;
        throw err;
      },
    );
    return built;
  };
  const originOf = (req: { protocol: string; host: string }) => `${req.protocol}://${req.host}`;

  app.get('/api/openapi.json', { schema: { hide: true } }, async (req) => merged(originOf(req)));
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, displayOperationId: true, tryItOutEnabled: false },
    // the UI reads ./json (or ./yaml): the merged document, built before it is answered; the page
    // itself does not wait for the services
    uiHooks: {
      onRequest: async (req) => {
        if (/\/(json|yaml)$/.test(req.url.split('?')[0] ?? '')) await merged(originOf(req));
      },
    },
    transformSpecification: (spec) => cached ?? spec,
    transformSpecificationClone: false,
  });
}
