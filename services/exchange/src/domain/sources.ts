/**
 * Where a resource's records come from at the provider: the embedded datasets (the seeds) or the
 * provider agency's own system over HTTP, which the platform stands in front of. These are the
 * rules a source configuration must meet before it is stored; pure, so they are tested by table.
 */
import { invalid } from '@yrd/errors';
import { z } from 'zod';

export const sourceKinds = ['embedded', 'http'] as const;
export type SourceKind = (typeof sourceKinds)[number];
export const sourceMethods = ['POST', 'GET'] as const;
export type SourceMethod = (typeof sourceMethods)[number];

/**
 * The requester waits 5 s for the provider province (NatsProviderTransport); the agency call has to
 * end well inside that, with room for the consent check, so the requester hears the clear
 * SOURCE_UNAVAILABLE rather than a generic PROVIDER_UNAVAILABLE.
 */
export const sourceTimeoutMs = { min: 100, max: 4000, default: 3000 } as const;
/** The exchange never serves more than 100 records per request (app/exchange.ts maxRecords). */
export const sourceMaxRecords = { min: 1, max: 100, default: 100 } as const;

/** What the admin API accepts; the checks that need words of their own are in `checkSource`. */
export const sourceInput = z.object({
  kind: z.enum(sourceKinds).describe('embedded: the province’s own datasets; http: the agency’s system'),
  url: z.string().max(2000).optional().describe('http(s) URL of the agency system (kind http)'),
  method: z.enum(sourceMethods).optional().describe('POST (default; the key travels in the body) or GET'),
  timeoutMs: z.number().int().min(sourceTimeoutMs.min).max(sourceTimeoutMs.max).optional(),
  headerName: z
    .string()
    .max(100)
    .optional()
    .describe('header that carries the secret; absent: Authorization: Bearer <secret>'),
  secretRef: z
    .string()
    .max(200)
    .optional()
    .describe('where the secret is kept, e.g. env:ZJ_DSJ_TOKEN; never the value'),
  maxRecords: z.number().int().min(sourceMaxRecords.min).max(sourceMaxRecords.max).optional(),
});
export type SourceInput = z.infer<typeof sourceInput>;

export interface HttpSourceSettings {
  kind: 'http';
  url: string;
  method: SourceMethod;
  timeoutMs: number;
  /** lower case; absent with a secretRef means `authorization` with the Bearer scheme */
  headerName?: string;
  secretRef?: string;
  maxRecords: number;
}
export type SourceSettings = { kind: 'embedded' } | HttpSourceSettings;

const secretRefPattern = /^env:[A-Z_][A-Z0-9_]{0,127}$/;
const headerToken = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** headers the connector sets itself, or that would change what the request means */
const reservedHeaders = new Set([
  'accept',
  'connection',
  'content-length',
  'content-type',
  'cookie',
  'host',
  'traceparent',
  'tracestate',
  'transfer-encoding',
  'x-request-id',
]);

/** Loopback only: in production, plain http is tolerated to a sidecar on the same host, nowhere else. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The settings to store, or a 400 with the rule that refused them. In production, plain http to
 * another host is refused: records and the agency credential would cross the network in clear.
 */
export function checkSource(input: SourceInput, env: { production: boolean }): SourceSettings {
  if (input.kind === 'embedded') return { kind: 'embedded' };
  if (!input.url) throw invalid('EXCHANGE.SOURCE_URL_REQUIRED', '须提供数据源地址 an http source needs a url');
  let url: URL;
  try {
    url = new URL(input.url);
  } catch (err) {
    throw invalid('EXCHANGE.SOURCE_BAD_URL', `数据源地址无效 not a URL: ${input.url}`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(
      'EXCHANGE.SOURCE_BAD_URL',
      `数据源地址须为 http(s) the url must be http or https, not ${url.protocol}`,
    );
  }
  // credentials in the URL would be stored, listed and logged; they belong behind secretRef
  if (url.username || url.password) {
    throw invalid(
      'EXCHANGE.SOURCE_BAD_URL',
      '数据源地址不得包含用户名或密码，请用 secretRef the url must not carry credentials; use secretRef',
    );
  }
  if (env.production && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalid(
      'EXCHANGE.SOURCE_INSECURE_URL',
      `生产环境须使用 https the url must be https in production (plain http only to localhost): ${url.host}`,
    );
  }
  if (input.secretRef !== undefined && !secretRefPattern.test(input.secretRef)) {
    throw invalid(
      'EXCHANGE.SOURCE_BAD_SECRET_REF',
      '密钥引用格式应为 env:变量名 secretRef must name an environment variable, e.g. env:ZJ_DSJ_TOKEN',
    );
  }
  let headerName: string | undefined;
  if (input.headerName !== undefined) {
    headerName = input.headerName.toLowerCase();
    if (!headerToken.test(headerName) || reservedHeaders.has(headerName)) {
      throw invalid('EXCHANGE.SOURCE_BAD_HEADER', `不可用的请求头 header ${input.headerName} cannot carry the secret`);
    }
    if (input.secretRef === undefined) {
      throw invalid(
        'EXCHANGE.SOURCE_SECRET_REQUIRED',
        '指定请求头时须提供 secretRef a headerName needs a secretRef for its value',
      );
    }
  }
  return {
    kind: 'http',
    url: url.toString(),
    method: input.method ?? 'POST',
    timeoutMs: input.timeoutMs ?? sourceTimeoutMs.default,
    ...(headerName !== undefined ? { headerName } : {}),
    ...(input.secretRef !== undefined ? { secretRef: input.secretRef } : {}),
    maxRecords: input.maxRecords ?? sourceMaxRecords.default,
  };
}
