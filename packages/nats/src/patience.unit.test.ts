import { JetStreamApiError } from '@nats-io/jetstream';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import { createLogger } from '@yrd/logger';
import { describe, expect, it } from 'vitest';
import { noAnswer, untilAnswered } from './patience.js';

/** what nats.js throws when nothing answers on $JS.API (its class is not exported), or with `cause` */
const notEnabled = (cause?: unknown) =>
  Object.assign(new Error('jetstream is not enabled', cause === undefined ? {} : { cause }), {
    name: 'JetStreamNotEnabled',
  });

const apiError = (code: number, description: string) =>
  new JetStreamApiError({ code: 503, err_code: code, description });

/** a step that fails with each of `failures` in turn, then answers 'made' */
function failing(...failures: unknown[]) {
  let calls = 0;
  return {
    step: async () => {
      const failure = failures[calls];
      calls += 1;
      if (failure !== undefined) throw failure;
      return 'made';
    },
    calls: () => calls,
  };
}

/** a logger whose lines are kept, parsed */
function kept() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'test', level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const quick = { firstPauseMs: 5, maxPauseMs: 20 };

describe('a JetStream step at start: asked again while the broker does not answer, never on a refusal', () => {
  it('knows a timeout, nothing listening on the JetStream API, and no meta leader as no answer', () => {
    expect(noAnswer(new TimeoutError())).toBe(true);
    expect(noAnswer(new RequestError('timeout', { cause: new TimeoutError() }))).toBe(true);
    // nats.js's word for "no responders on $JS.API": JetStream is still starting on the server
    expect(noAnswer(notEnabled(new RequestError('no responders')))).toBe(true);
    expect(noAnswer(apiError(10008, 'JetStream system temporarily unavailable'))).toBe(true);
    // answers that will not change by asking again
    expect(noAnswer(notEnabled(apiError(10039, 'jetstream not enabled for account')))).toBe(false);
    expect(noAnswer(apiError(10058, 'stream name already in use with a different configuration'))).toBe(false);
    expect(noAnswer(new Error('Permissions Violation for Publish to "$JS.API.STREAM.CREATE.AUDIT_SH"'))).toBe(false);
    expect(noAnswer(undefined)).toBe(false);
  });

  it('asks again until answered, saying so at warn level each time', async () => {
    const { logger, lines } = kept();
    const s = failing(new TimeoutError(), notEnabled());
    await expect(
      untilAnswered('the audit stream AUDIT_SH', s.step, { withinMs: 5_000, logger, ...quick }),
    ).resolves.toBe('made');
    expect(s.calls()).toBe(3);
    expect(lines.map((l) => [l.step, l.attempt, l.msg])).toEqual([
      ['the audit stream AUDIT_SH', 1, 'jetstream: no answer at start, trying again'],
      ['the audit stream AUDIT_SH', 2, 'jetstream: no answer at start, trying again'],
    ]);
    // the pause doubles
    expect(lines.map((l) => l.retryInMs)).toEqual([5, 10]);
  });

  it('throws a refusal at once, whatever the patience', async () => {
    const refused = apiError(10058, 'stream name already in use with a different configuration');
    const s = failing(refused);
    await expect(untilAnswered('a stream', s.step, { withinMs: 60_000, ...quick })).rejects.toBe(refused);
    expect(s.calls()).toBe(1);
  });

  it('without patience asks once, and throws the no-answer as it came', async () => {
    const timeout = new TimeoutError();
    const s = failing(timeout);
    await expect(untilAnswered('a stream', s.step)).rejects.toBe(timeout);
    expect(s.calls()).toBe(1);
  });

  it('gives up once its window has passed, with the last failure', async () => {
    const last = apiError(10008, 'JetStream system temporarily unavailable');
    const step = async () => {
      throw last;
    };
    const t0 = Date.now();
    await expect(untilAnswered('a stream', step, { withinMs: 150, ...quick })).rejects.toBe(last);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(2_000);
  });

  it('stops asking as soon as the process is told to stop', async () => {
    const stop = new AbortController();
    const timeout = new TimeoutError();
    const s = failing(timeout, timeout, timeout);
    setTimeout(() => stop.abort(), 50);
    const t0 = Date.now();
    await expect(
      untilAnswered('a stream', s.step, { withinMs: 60_000, signal: stop.signal, firstPauseMs: 20_000 }),
    ).rejects.toBe(timeout);
    // the first pause (20 s) ended with the stop, and nothing was asked after it
    expect(s.calls()).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2_000);
    // told to stop before it starts: one try, no pause
    const again = failing(timeout);
    await expect(untilAnswered('a stream', again.step, { withinMs: 60_000, signal: stop.signal })).rejects.toBe(
      timeout,
    );
    expect(again.calls()).toBe(1);
  });
});
