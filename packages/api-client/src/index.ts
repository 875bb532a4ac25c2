/**
 * The typed client of a province origin's public HTTP API: openapi-fetch over the types
 * openapi-typescript generated from the merged OpenAPI document (src/gen, written by
 * `npm run api:gen`, never edited by hand). Paths, parameters, bodies and answers are checked
 * against the document at compile time; an error answer is a `Problem`, thrown as `ApiProblem` by
 * `unwrap`.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './gen/schema.js';

export type { components, operations, paths } from './gen/schema.js';

/** The named schemas of the document: Resource, Application, Grant, Consent, TracePage, PublishedHead … */
export type Schemas = components['schemas'];

/** The body of every error answer (application/problem+json). */
export type Problem = components['schemas']['Problem'];

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** the province origin, e.g. http://127.0.0.1:7310 ('' in the browser: the page's own origin) */
  baseUrl: string;
  /** the current bearer token, or undefined when nobody is signed in (then no Authorization header) */
  token: () => string | undefined | Promise<string | undefined>;
  /** another fetch (tests, a server-side renderer) */
  fetch?: (input: Request) => Promise<Response>;
}

/** A client whose every request carries the token `token()` returns at the time it is sent. */
export function createApiClient({ baseUrl, token, fetch }: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  client.use(bearer(token));
  return client;
}

function bearer(token: ApiClientOptions['token']): Middleware {
  return {
    async onRequest({ request }) {
      const t = await token();
      if (t) request.headers.set('authorization', `Bearer ${t}`);
      return request;
    },
  };
}

/** One field a request failed validation on (`details.issues` of a REQUEST.INVALID problem). */
export interface FieldError {
  path: string;
  message: string;
}

/** An error answer of the API, as an Error: its stable code, status, detail and the fields at fault. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly code: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly fieldErrors: FieldError[];
  readonly problem: Problem;

  constructor(problem: Problem, options?: { cause?: unknown }) {
    super(problem.detail ?? problem.code, options);
    this.problem = problem;
    this.code = problem.code;
    this.status = problem.status;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.fieldErrors = fieldErrorsOf(problem);
  }
}

/** Whether a value has the shape of a problem document (a code and a numeric status at least). */
export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}

/**
 * The ApiProblem for an error answer. A body that is not a problem document (a proxy's HTML page, an
 * empty body) still becomes one, named by the status, so callers handle one kind of error.
 */
export function toApiProblem(error: unknown, response: Response): ApiProblem {
  if (isProblem(error)) return new ApiProblem(error);
  return new ApiProblem({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code: `HTTP.STATUS_${response.status}`,
    detail: `请求失败 the request failed with HTTP ${response.status}`,
    ...(response.headers.get('x-request-id') ? { requestId: response.headers.get('x-request-id') ?? '' } : {}),
  });
}

/** What an openapi-fetch call resolves to: the data, or the error answer's body, and the response. */
interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful answer; an error answer is thrown as an ApiProblem.
 * `const entry = await unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id } } }))`
 */
export async function unwrap<A extends Answer>(answer: A | Promise<A>): Promise<Exclude<A['data'], undefined>> {
  const r = await answer;
  if (r.error !== undefined || !r.response.ok) throw toApiProblem(r.error, r.response);
  return r.data as Exclude<A['data'], undefined>;
}

function fieldErrorsOf(problem: Problem): FieldError[] {
  const issues = (problem as { details?: { issues?: unknown } }).details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((i: unknown) =>
    typeof i === 'object' &&
    i !== null &&
    typeof (i as FieldError).path === 'string' &&
    typeof (i as FieldError).message === 'string'
      ? [{ path: (i as FieldError).path, message: (i as FieldError).message }]
      : [],
  );
}
