import { trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths that may hold personal data. Logs never carry it: the values are replaced before writing.
 * (Identifiers of people travel as keyed references in the platform; this is the net under that rule.)
 */
export const redactPaths = [
  'req.headers.authorization',
  '*.authorization',
  '*.token',
  '*.requesterToken',
  '*.key',
  '*.claims',
  '*.records',
  '*.idNumber',
  '*.name',
  '*.phone',
  '*.address',
  'key',
  'claims',
  'records',
  'token',
];

const censor = '[redacted]';

/**
 * Keys whose values are replaced at any depth (in errors, their causes, and anything nested):
 * statement parameters and texts of database errors (`params`, a PostgreSQL `detail` such as
 * "Key (id_number)=(…) already exists"), query keys, claims, records and identifiers of people.
 */
const sensitiveKeys = new Set([
  'params',
  'parameters',
  'query',
  'internalQuery',
  'detail',
  'where',
  'values',
  'key',
  'claims',
  'records',
  'record',
  'idNumber',
  'id_number',
  'phone',
  'mobile',
  'address',
  'personName',
  'person_name',
  'token',
  'requesterToken',
  'authorization',
]);

// An ID number (18 or first-generation 15 digits) or a mainland mobile number, wherever it appears
// in a string: a message built around a value, a driver's error text, a stack's first line.
const idNumberPattern = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
const phonePattern = /(?<![0-9A-Za-z])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9A-Za-z])/g;

/** The text with every ID-number-shaped and mobile-number-shaped run replaced. */
export function scrubText(text: string): string {
  return text.replace(idNumberPattern, censor).replace(phonePattern, censor);
}

/** An error's own fields that say what failed without saying about whom. */
const safeErrorFields = [
  'code',
  'kind',
  'status',
  'statusCode',
  'severity',
  'routine',
  'errno',
  'syscall',
  'sqlState',
  'constraint',
];
const maxDepth = 8;

function isErrorLike(v: unknown): v is Error {
  return v instanceof Error || (typeof v === 'object' && v !== null && 'message' in v && 'stack' in v);
}

/**
 * The message of an error, without the values it was built around: drizzle's DrizzleQueryError
 * writes "Failed query: <sql>\nparams: <values>" — the values go.
 */
function safeMessage(err: Error): string {
  const message = typeof err.message === 'string' ? err.message : '';
  const cut = message.search(/\n\s*params:/);
  return scrubText(cut >= 0 ? message.slice(0, cut) : message);
}

function safeError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  seen.add(err);
  const name = typeof err.name === 'string' ? err.name : 'Error';
  const message = safeMessage(err);
  const out: Record<string, unknown> = { type: err.constructor?.name ?? name, message };
  if (name !== out.type) out.name = name;
  const bag = err as unknown as Record<string, unknown>;
  for (const f of safeErrorFields) {
    const v = bag[f];
    if (typeof v === 'string') out[f] = scrubText(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[f] = v;
  }
  if (typeof err.stack === 'string') {
    // the stack's first lines repeat the message; the frames are kept as they are
    const frames = err.stack.split('\n').filter((l) => /^\s+at /.test(l));
    out.stack = [`${name}: ${message}`, ...frames].join('\n');
  }
  if (Array.isArray(bag.reasons)) out.reasons = scrub(bag.reasons, depth + 1, seen);
  if (Array.isArray(bag.errors)) out.errors = scrub(bag.errors.slice(0, 10), depth + 1, seen);
  if (err.cause !== undefined) out.cause = scrub(err.cause, depth + 1, seen);
  return out;
}

/**
 * A copy of a log value with errors made safe (message without parameters, no driver detail, causes
 * likewise), sensitive keys replaced and ID and phone numbers cut out of every string.
 */
function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth > maxDepth) return '[nested too deep]';
  if (isErrorLike(value)) return safeError(value, depth, seen);
  if (Array.isArray(value)) {
    seen.add(value);
    const out = value.map((v) => scrub(v, depth + 1, seen));
    seen.delete(value);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Date, URL… serialise themselves
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = sensitiveKeys.has(k) ? censor : scrub(v, depth + 1, seen);
  seen.delete(value);
  return out;
}

/** What a log line would carry for `value`: for tests and for code that hands errors onwards. */
export function safeForLog(value: unknown): unknown {
  return scrub(value, 0, new WeakSet());
}

export interface LoggerConfig {
  level?: string;
  name: string;
  pretty?: boolean;
  base?: Record<string, unknown>;
}

/**
 * The trace a line is written in: `trace_id` and `span_id` of the active span (the OpenTelemetry
 * log data model's names), so a log line leads to its trace and back. Nothing outside a span.
 */
export function traceFields(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}

/** One root logger per service; components take `logger.child({ component })`. */
export function createLogger(cfg: LoggerConfig, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    name: cfg.name,
    level: cfg.level ?? 'info',
    base: { ...(cfg.base ?? {}) },
    redact: { paths: redactPaths, censor },
    timestamp: pino.stdTimeFunctions.isoTime,
    // children inherit it: every line written inside a span carries the trace
    mixin: traceFields,
    // errors become safe plain objects here; pino's own error serializer would rebuild messages and
    // stacks from the causes (the parameters with them), so it is not used
    formatters: { log: (obj) => scrub(obj, 0, new WeakSet()) as Record<string, unknown> },
    serializers: { err: (v: unknown) => v },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (isErrorLike(first)) {
          // pino would take the message of a bare error as the line's message: take the safe one
          const msg = typeof rest[0] === 'string' ? scrubText(rest[0]) : safeMessage(first);
          method.apply(this, [{ err: first }, msg, ...rest.slice(1).map(scrubArg)] as Parameters<typeof method>);
          return;
        }
        method.apply(this, [scrubArg(first), ...rest.map(scrubArg)] as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const scrubArg = (a: unknown): unknown => (typeof a === 'string' ? scrubText(a) : a);

/** For tests: a logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
