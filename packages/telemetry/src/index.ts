/**
 * Telemetry for the whole process, set up once with the OpenTelemetry Node SDK (`NodeSDK`): traces,
 * and metrics from the same SDK when an OTLP endpoint is configured. The service metrics that
 * Prometheus scrapes at `/metrics` are not these: they stay prom-client registries, one per service
 * (`./metrics.ts`), so a scrape never depends on an SDK pipeline; the SDK's meter carries what the
 * instrumentations measure (e.g. `http.client.request.duration`) to the collector.
 *
 * Propagation is W3C trace context. Inbound and service-to-service boundaries are explicit rather
 * than monkey-patched: the HTTP boundary (fastify hook), the gRPC boundary (client interceptor +
 * server wrapper) and the NATS boundary (message headers, JetStream included) inject / extract with
 * the helpers below, which works the same under ESM, tsx and vitest. Outbound HTTP (fetch, undici)
 * is traced by `UndiciInstrumentation`, which listens on undici's diagnostics channels (no patching,
 * so ESM is no obstacle). It is the only instrumentation: the SDK enables none by itself (no
 * `getNodeAutoInstrumentations`), so no other module is patched.
 *
 * The SDK reads the standard `OTEL_*` variables it knows (OTEL_SDK_DISABLED, OTEL_TRACES_SAMPLER,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_LOG_LEVEL…); the endpoints come in as options from each app's config.
 */
import {
  type Attributes,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
export {
  type AdminServer,
  Counter,
  counter,
  Gauge,
  gauge,
  Histogram,
  histogram,
  latencyBuckets,
  metricsRegistry,
  parseScrape,
  Registry,
  type Sample,
  scrape,
  scrapedNames,
  secondsSince,
  serveMetrics,
} from './metrics.js';
export type { Attributes, Context, Link, Span, SpanContext };
export { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace };

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; none = spans are not exported */
  otlpEndpoint?: string | undefined;
  /**
   * OTLP/HTTP metrics endpoint, e.g. http://127.0.0.1:4318/v1/metrics. Default: beside the traces
   * endpoint when that ends in `/v1/traces`; none = the SDK keeps no metrics.
   */
  otlpMetricsEndpoint?: string | undefined;
  /** how often metrics are pushed to the collector (ms, default 60 000) */
  metricsIntervalMs?: number | undefined;
  /** tests pass an in-memory exporter */
  exporter?: SpanExporter;
}

interface Installed {
  sdk: NodeSDK;
  processors: SpanProcessor[];
  readers: IMetricReader[];
}

/**
 * Kept on the process rather than in this module: a second copy of the module (a bundler, a test
 * runner's module graph) must not start a second SDK, which would trace each outbound call twice.
 */
const slot = Symbol.for('yrd.telemetry.sdk');
const processSlot = globalThis as typeof globalThis & { [slot]?: Installed };

/** The metrics endpoint: as configured, else the traces endpoint's `/v1/metrics` sibling. */
export function metricsEndpointFor(opts: Pick<TelemetryOptions, 'otlpEndpoint' | 'otlpMetricsEndpoint'>) {
  if (opts.otlpMetricsEndpoint) return opts.otlpMetricsEndpoint;
  const traces = opts.otlpEndpoint;
  return traces && /\/v1\/traces\/?$/.test(traces) ? traces.replace(/\/v1\/traces\/?$/, '/v1/metrics') : undefined;
}

/** The request's headers, whichever shape this undici version keeps them in. */
function headerNames(req: UndiciRequest): string[] {
  if (Array.isArray(req.headers)) return req.headers.filter((_, i) => i % 2 === 0).map((h) => String(h).toLowerCase());
  return req.headers
    .split('\r\n')
    .map((l) => l.slice(0, Math.max(0, l.indexOf(':'))).toLowerCase())
    .filter(Boolean);
}

/**
 * Outbound HTTP spans. Only within a trace (`requireParentforSpans`): a health probe or a test client
 * outside any span starts no trace of its own. A request that already carries `traceparent` (the
 * edge's proxy writes its own) is left alone, or it would leave with two. The URL is recorded
 * without its query: a GET to an agency system puts the query key (personal data) there.
 */
function undiciInstrumentation() {
  return new UndiciInstrumentation({
    requireParentforSpans: true,
    ignoreRequestHook: (req) => headerNames(req).includes('traceparent'),
    startSpanHook: (req) => {
      let full = '';
      try {
        const u = new URL(req.path, req.origin);
        full = `${u.origin}${u.pathname}`;
      } catch {
        full = req.origin;
      }
      return { 'url.full': full, 'url.query': req.path.includes('?') ? 'REDACTED' : '' };
    },
  });
}

/**
 * Idempotent: the first call in a process starts the SDK; later ones reuse it (their options are
 * ignored). The tracer provider is always installed, even with nothing to export, so trace context
 * still flows through every boundary and every log line carries its trace id.
 */
export function initTelemetry(opts: TelemetryOptions): { shutdown: () => Promise<void> } {
  let installed = processSlot[slot];
  if (!installed) {
    const processors: SpanProcessor[] = [];
    if (opts.exporter) processors.push(new SimpleSpanProcessor(opts.exporter));
    if (opts.otlpEndpoint) {
      processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: opts.otlpEndpoint })));
    }
    // the SDK registers no tracer provider without a processor: one that drops every span keeps ids flowing
    if (processors.length === 0) processors.push(new DroppingSpanProcessor());
    const metricsUrl = metricsEndpointFor(opts);
    const readers: IMetricReader[] = metricsUrl
      ? [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter({ url: metricsUrl }),
            exportIntervalMillis: opts.metricsIntervalMs ?? 60_000,
          }),
        ]
      : [];
    const sdk = new NodeSDK({
      serviceName: opts.serviceName,
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
      // OTEL_RESOURCE_ATTRIBUTES only: the host and process detectors add the OS user's name and an
      // asynchronous host id, which would delay every exported span
      resourceDetectors: [envDetector],
      textMapPropagator: new W3CTraceContextPropagator(),
      spanProcessors: processors,
      // explicit empty lists: left out, the SDK would start OTLP metric and log exporters to localhost
      metricReaders: readers,
      logRecordProcessors: [],
      instrumentations: [undiciInstrumentation()],
    });
    sdk.start();
    installed = { sdk, processors, readers };
    processSlot[slot] = installed;
  }
  const { processors, readers } = installed;
  return {
    // flush only: the SDK belongs to the process, and other components of it may still be tracing
    shutdown: async () => {
      await Promise.all([...processors.map((p) => p.forceFlush()), ...readers.map((r) => r.forceFlush())]);
    },
  };
}

class DroppingSpanProcessor implements SpanProcessor {
  onStart(): void {}
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function tracer(name = 'yrd') {
  return trace.getTracer(name);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** default: the active context */
  parent?: Context;
  /** other spans this one is about (e.g. the publishes of the messages a batch holds) */
  links?: Link[];
}

/** Runs `fn` inside a new active span; records failures; ends the span. */
export async function withSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {}, links: opts.links ?? [] },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code);
  return err instanceof Error ? err.name : 'error';
}

/** Writes the active trace context into a carrier (headers, gRPC metadata map). */
export function injectTraceContext(carrier: Record<string, string>, ctx: Context = context.active()) {
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(
  carrier: Record<string, string | string[] | undefined>,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, carrier, {
    get: (c, k) => c[k],
    keys: (c) => Object.keys(c),
  });
}

/**
 * The trace a message was sent in, read from its headers (lower-case names), or undefined when it
 * carries none. Read on a root context: a consumer loop's own context has nothing to do with it.
 */
export function messageTrace(headers: Record<string, string>): { context: Context; span: SpanContext } | undefined {
  const ctx = extractTraceContext(headers, ROOT_CONTEXT);
  const span = trace.getSpanContext(ctx);
  return span && trace.isSpanContextValid(span) ? { context: ctx, span } : undefined;
}

/**
 * Where the processing of a batch of messages goes in the traces. A span has one parent: when every
 * message of the batch was sent in the same trace (one publish, or one request that published
 * several), the processing continues that trace under the first message's send; otherwise it starts
 * its own. Either way it links to the send of every message, so each sender's trace leads to it.
 */
export function batchPlacement(sent: ReadonlyArray<{ context: Context; span: SpanContext } | undefined>): {
  parent: Context;
  links: Link[];
} {
  const known = sent.filter((s): s is { context: Context; span: SpanContext } => s !== undefined);
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const s of known) {
    const id = `${s.span.traceId}-${s.span.spanId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    links.push({ context: s.span });
  }
  const first = known[0];
  const oneTrace = first !== undefined && known.every((s) => s.span.traceId === first.span.traceId);
  return { parent: oneTrace && known.length === sent.length ? first.context : ROOT_CONTEXT, links };
}
