import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { type Context, type ContextManager, context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, traceFields } from './index.js';

/** The context manager the SDK installs, in a few lines: the logger only needs an active span. */
class StorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

function captured() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ name: 'test', level: 'debug' }, sink);
  return { logger, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const inSpan = <T>(sc: SpanContext, fn: () => T): T =>
  context.with(trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(sc)), fn);

// the W3C trace-context specification's example ids
const traced: SpanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

describe('a log line carries the trace it was written in', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new StorageContextManager());
  });
  afterAll(() => {
    context.disable();
  });

  it('has trace_id and span_id inside a span, in the root logger and its children, across awaits', async () => {
    const { logger, lines } = captured();
    await inSpan(traced, async () => {
      logger.info({ requestId: 'r-1' }, 'inside');
      await new Promise((r) => setTimeout(r, 1));
      logger.child({ component: 'exchange' }).warn('after an await, in a child');
    });
    const [a, b] = lines();
    expect(a).toMatchObject({ msg: 'inside', requestId: 'r-1', trace_id: traced.traceId, span_id: traced.spanId });
    expect(b).toMatchObject({ component: 'exchange', trace_id: traced.traceId, span_id: traced.spanId });
  });

  it('has the innermost span’s id when spans nest', () => {
    const { logger, lines } = captured();
    const inner: SpanContext = { ...traced, spanId: 'b7ad6b7169203331' };
    inSpan(traced, () => inSpan(inner, () => logger.info('nested')));
    expect(lines()[0]).toMatchObject({ trace_id: traced.traceId, span_id: 'b7ad6b7169203331' });
  });

  it('has neither outside a span, nor for an invalid span context', () => {
    const { logger, lines } = captured();
    logger.info('outside');
    inSpan({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }, () => logger.info('invalid'));
    for (const line of lines()) {
      expect(line).not.toHaveProperty('trace_id');
      expect(line).not.toHaveProperty('span_id');
    }
    expect(traceFields()).toEqual({});
  });

  it('keeps ids that are all digits: the personal-data scrubber does not take them for ID numbers', () => {
    const { logger, lines } = captured();
    const digits: SpanContext = {
      traceId: '31010619880512031'.padEnd(32, '7'),
      spanId: '1380013800012345',
      traceFlags: 1,
    };
    inSpan(digits, () => logger.info('digits'));
    expect(lines()[0]).toMatchObject({ trace_id: digits.traceId, span_id: digits.spanId });
  });

  it('lets a field the caller sets win over the mixin', () => {
    const { logger, lines } = captured();
    inSpan(traced, () => logger.info({ trace_id: 'given' }, 'explicit'));
    expect(lines()[0]).toMatchObject({ trace_id: 'given', span_id: traced.spanId });
  });
});
