/**
 * The HTTP connector to a provider agency's own system: the platform stands in front of it, the
 * agency keeps its data where it is. Node's built-in fetch (undici), one call per exchange request.
 *
 * Contract (what the agency system implements):
 *
 *   POST {url}                                   (method POST, the default)
 *     content-type: application/json
 *     x-request-id: <the exchange's request id>  (the same id is in both provinces' audit trails)
 *     traceparent, tracestate                    (W3C trace context of the exchange call, written
 *                                                 by the undici instrumentation with its client span)
 *     authorization: Bearer <secret>             (or `<headerName>: <secret>`; only with a secretRef)
 *     {"resourceId": "zj.330000-SCJG-00001", "key": {"credit_code": "9133…"},
 *      "items": ["company_name", "legal_representative"], "limit": 100}
 *
 *   GET {url}?resourceId=…&limit=…&items=a&items=b&key.<name>=<value>   (method GET, same headers;
 *     the key then sits in URLs and the agency's access logs, which is why POST is the default)
 *
 *   → 2xx, JSON: {"records": [{"<item>": "value" | number | boolean | null, …}, …]}
 *     Records are those matching every key field. `items` are the granted items: the system may
 *     leave the rest out, and whatever else it sends is dropped before anything leaves the province.
 *     null means "no value"; a nested value is a malformed reply; records beyond `limit` are cut.
 *
 * Failures: no answer within the timeout (default 3 s) or no connection → 503
 * EXCHANGE.SOURCE_UNAVAILABLE; a non-2xx status, a redirect, a body over 1 MiB, or a body that is
 * not the JSON above → EXCHANGE.SOURCE_BAD_REPLY. The platform has no error kind for 502, so the
 * bad reply is also of kind `unavailable` (503); the code tells the two apart.
 */
import type { SecretResolver } from '@yrd/config';
import { AppError, unavailable } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { trace } from '@yrd/telemetry';
import { z } from 'zod';
import type { SourceConnector, SourceQuery, SourceRecord } from '../app/sources.js';
import type { HttpSourceSettings } from '../domain/sources.js';

export const SOURCE_UNAVAILABLE = 'EXCHANGE.SOURCE_UNAVAILABLE';
export const SOURCE_BAD_REPLY = 'EXCHANGE.SOURCE_BAD_REPLY';
export const defaultMaxReplyBytes = 1024 * 1024;

const badReply = (why: string, cause?: unknown) =>
  unavailable(SOURCE_BAD_REPLY, `提供单位系统应答异常 the provider agency's system gave a bad reply: ${why}`, {
    ...(cause === undefined ? {} : { cause }),
  });

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const replySchema = z.object({ records: z.array(z.record(z.string().min(1).max(200), scalar)) });

export interface ParsedReply {
  records: SourceRecord[];
  /** records beyond the limit */
  cut: number;
  /** records that named another key value than the one asked for */
  foreign: number;
}

/**
 * Checks an agency's reply and brings it to the exchange's record shape (every value a string).
 * The reply is not trusted to be about the key that was asked: a record whose key item holds
 * another value would hand someone else's data to the requester, so it is dropped.
 */
export function parseSourceReply(body: unknown, q: Pick<SourceQuery, 'key' | 'limit'>): ParsedReply {
  const parsed = replySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badReply(`${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'invalid'}`);
  }
  const records: SourceRecord[] = [];
  let foreign = 0;
  for (const raw of parsed.data.records) {
    const r: SourceRecord = {};
    for (const [item, v] of Object.entries(raw)) if (v !== null) r[item] = typeof v === 'string' ? v : String(v);
    if (Object.entries(q.key).some(([k, v]) => Object.hasOwn(r, k) && r[k] !== v)) foreign++;
    else records.push(r);
  }
  const limit = Math.max(0, q.limit);
  return { records: records.slice(0, limit), cut: Math.max(0, records.length - limit), foreign };
}

/** The request the agency system receives, by the configured method. */
export function sourceRequest(s: HttpSourceSettings, q: SourceQuery): { url: string; body?: string } {
  if (s.method === 'POST') {
    return {
      url: s.url,
      body: JSON.stringify({ resourceId: q.resourceId, key: q.key, items: q.items, limit: q.limit }),
    };
  }
  const url = new URL(s.url);
  url.searchParams.set('resourceId', q.resourceId);
  url.searchParams.set('limit', String(q.limit));
  for (const i of q.items) url.searchParams.append('items', i);
  for (const [k, v] of Object.entries(q.key)) url.searchParams.set(`key.${k}`, v);
  return { url: url.toString() };
}

/** Reads a body up to `max` bytes; more is a bad reply, and the rest is not read. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw badReply(`body over ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

export interface HttpConnectorOptions {
  /** looks the credential up at call time; its value is never logged or stored */
  secrets: SecretResolver;
  logger: Logger;
  maxReplyBytes?: number;
}

export class HttpConnector implements SourceConnector {
  private readonly maxReplyBytes: number;

  constructor(private readonly opts: HttpConnectorOptions) {
    this.maxReplyBytes = opts.maxReplyBytes ?? defaultMaxReplyBytes;
  }

  async find(s: HttpSourceSettings, q: SourceQuery): Promise<SourceRecord[]> {
    const origin = new URL(s.url).origin;
    // the origin only: with GET the key is in the query string, and the key is personal data
    const logCtx = { resourceId: q.resourceId, requestId: q.requestId, origin, method: s.method };
    // the HTTP client span itself (method, origin and path, status, error) is the undici
    // instrumentation's, a child of the span this runs in, which says what was asked for
    trace.getActiveSpan()?.setAttribute('yrd.resource_id', q.resourceId);
    const t0 = performance.now();
    try {
      return await this.call(s, q, logCtx);
    } catch (err) {
      const e =
        err instanceof AppError
          ? err
          : unavailable(SOURCE_UNAVAILABLE, "提供单位系统无法连接 the provider agency's system could not be reached", {
              cause: err,
            });
      this.opts.logger.warn(
        { ...logCtx, code: e.code, ms: Math.round(performance.now() - t0), err: e.cause ?? e.message },
        'provider agency system call failed',
      );
      throw e;
    }
  }

  private async call(s: HttpSourceSettings, q: SourceQuery, logCtx: Record<string, unknown>) {
    const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': q.requestId };
    if (s.secretRef !== undefined) {
      const secret = this.opts.secrets(s.secretRef);
      if (!secret) {
        throw unavailable(
          SOURCE_UNAVAILABLE,
          `提供单位系统凭据未配置 the credential for the provider agency's system is not set (${s.secretRef})`,
        );
      }
      if (s.headerName === undefined || s.headerName === 'authorization') headers.authorization = `Bearer ${secret}`;
      else headers[s.headerName] = secret;
    }
    const { url, body } = sourceRequest(s, q);
    if (body !== undefined) headers['content-type'] = 'application/json';
    // one deadline for connecting, the status line and the whole body: a slow trickle times out too
    const signal = AbortSignal.timeout(s.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: s.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal,
        // a redirect would carry the credential to wherever it points
        redirect: 'manual',
      });
    } catch (err) {
      throw this.unreachable(err, s.timeoutMs);
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => undefined);
      throw badReply(`HTTP ${res.status}`);
    }
    let text: string;
    try {
      text = await readCapped(res, this.maxReplyBytes);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw this.unreachable(err, s.timeoutMs);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw badReply('not JSON', err);
    }
    const parsed = parseSourceReply(json, q);
    if (parsed.cut > 0 || parsed.foreign > 0) {
      this.opts.logger.warn(
        { ...logCtx, cut: parsed.cut, foreign: parsed.foreign, limit: q.limit },
        'provider agency system sent records beyond the page bound or for another key; they were dropped',
      );
    }
    return parsed.records;
  }

  private unreachable(err: unknown, timeoutMs: number) {
    return isTimeout(err)
      ? unavailable(
          SOURCE_UNAVAILABLE,
          `提供单位系统 ${timeoutMs} 毫秒内未应答 the provider agency's system did not answer within ${timeoutMs} ms`,
          { cause: err },
        )
      : unavailable(SOURCE_UNAVAILABLE, "提供单位系统无法连接 the provider agency's system could not be reached", {
          cause: err,
        });
  }
}
