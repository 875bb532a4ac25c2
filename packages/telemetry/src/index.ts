/**
 * Tracing for the whole process. Instrumentation is explicit rather than monkey-patched: the HTTP
 * boundary (fastify hook), the gRPC boundary (client interceptor + server wrapper) and the NATS
 * boundary (message headers) each inject / extract W3C trace context with the helpers below, which
 * works the same under ESM, tsx and vitest.
 */
import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
export { Counter, Gauge, metricsRegistry, Registry, scrape } from './metrics.js';
export type { Attributes, Context, Span };
export { context, propagation, SpanKind, SpanStatusCode, trace };

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318/v1/traces; none = spans are not exported */
  otlpEndpoint?: string | undefined;
  /** tests pass an in-memory exporter */
  exporter?: SpanExporter;
}

let provider: NodeTracerProvider | undefined;

/** Idempotent: the first call in a process installs the provider; later ones reuse it. */
export function initTelemetry(opts: TelemetryOptions): { shutdown: () => Promise<void> } {
  if (!provider) {
    const processors: SpanProcessor[] = [];
    if (opts.exporter) processors.push(new SimpleSpanProcessor(opts.exporter));
    if (opts.otlpEndpoint) {
      processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: opts.otlpEndpoint })));
    }
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
      spanProcessors: processors,
    });
    provider.register({ propagator: new W3CTraceContextPropagator() });
  }
  const p = provider;
  return {
    shutdown: async () => {
      await p.forceFlush();
    },
  };
}

export function tracer(name = 'yrd') {
  return trace.getTracer(name);
}

/** Runs `fn` inside a new active span; records failures; ends the span. */
export async function withSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {} },
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

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code);
  return err instanceof Error ? err.name : 'error';
}

/** Writes the active trace context into a carrier (headers, gRPC metadata map). */
export function injectTraceContext(carrier: Record<string, string>, ctx: Context = context.active()) {
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(carrier: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), carrier, {
    get: (c, k) => c[k],
    keys: (c) => Object.keys(c),
  });
}
