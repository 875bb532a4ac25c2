import { propagation, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPlacement, messageTrace, metricsEndpointFor } from './index.js';

const propagator = new W3CTraceContextPropagator();
const setter = {
  set: (c: Record<string, string>, k: string, v: string) => {
    c[k] = v;
  },
};

/** the headers a publisher in span `sc` writes (what `tracedHeaders` in @yrd/nats does) */
function headersOf(sc: SpanContext): Record<string, string> {
  const out: Record<string, string> = {};
  propagator.inject(trace.setSpanContext(ROOT_CONTEXT, sc), out, setter);
  return out;
}

const sent = (traceId: string, spanId: string) => {
  const t = messageTrace(headersOf({ traceId, spanId, traceFlags: 1 }));
  if (!t) throw new Error('no trace in the headers');
  return t;
};
const A = 'a'.repeat(31);
const B = 'b'.repeat(31);

describe('reading a message’s trace and placing a batch', () => {
  // messageTrace reads with the global propagator: W3C, as initTelemetry installs it
  beforeAll(() => {
    propagation.setGlobalPropagator(propagator);
  });
  afterAll(() => {
    propagation.disable();
  });

  it('messageTrace reads the sender’s span from the headers, or nothing without a valid one', () => {
    expect(messageTrace({})).toBeUndefined();
    expect(messageTrace({ traceparent: 'garbage' })).toBeUndefined();
  });

  it('a batch sent in one trace goes under the first message’s send, linked to every send once', () => {
    const one = sent(`${A}1`, '1111111111111111');
    const two = sent(`${A}1`, '2222222222222222');
    const placed = batchPlacement([one, two, one]);
    expect(trace.getSpanContext(placed.parent)?.spanId).toBe('1111111111111111');
    expect(placed.links.map((l) => l.context.spanId)).toEqual(['1111111111111111', '2222222222222222']);
  });

  it('a batch of several traces, or with an event sent outside any trace, starts on its own, linked', () => {
    const mixed = batchPlacement([sent(`${A}1`, '1111111111111111'), sent(`${B}2`, '3333333333333333')]);
    expect(trace.getSpanContext(mixed.parent)).toBeUndefined();
    expect(mixed.links.map((l) => l.context.traceId)).toEqual([`${A}1`, `${B}2`]);
    const partly = batchPlacement([sent(`${A}1`, '1111111111111111'), undefined]);
    expect(trace.getSpanContext(partly.parent)).toBeUndefined();
    expect(partly.links).toHaveLength(1);
    expect(batchPlacement([undefined])).toEqual({ parent: ROOT_CONTEXT, links: [] });
  });

  it('the metrics endpoint is the configured one, else beside the traces endpoint', () => {
    expect(metricsEndpointFor({ otlpMetricsEndpoint: 'http://c:4318/m' })).toBe('http://c:4318/m');
    expect(metricsEndpointFor({ otlpEndpoint: 'http://c:4318/v1/traces' })).toBe('http://c:4318/v1/metrics');
    expect(metricsEndpointFor({ otlpEndpoint: 'http://c:9999/custom' })).toBeUndefined();
    expect(metricsEndpointFor({})).toBeUndefined();
  });
});
