/**
 * A service's start asks JetStream to look up or make its streams and consumers. A broker that is
 * up but busy (many processes starting on few cores), restarting its JetStream, or still electing a
 * meta leader does not answer in time; that is no reason for the process to exit. Each such step is
 * tried again, with a growing pause, for as long as the start is patient; any other failure (a
 * refused setting, a permission) ends the start at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiError } from '@nats-io/jetstream';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import type { Logger } from '@yrd/logger';

export interface Patience {
  /** how long a step is tried again after its first try (0: once) */
  withinMs: number;
  /** aborted (the process is told to stop): no more tries, the last failure is thrown */
  signal?: AbortSignal | undefined;
  /** each retry is a warning here */
  logger?: Logger | undefined;
  /** the first pause; it doubles up to `maxPauseMs` (tests shorten them) */
  firstPauseMs?: number;
  maxPauseMs?: number;
}

/** Try once: what tests and in-process callers get unless they ask for patience. */
export const once: Patience = { withinMs: 0 };

/**
 * The broker did not answer a JetStream API request, or answered that it cannot yet: its request
 * timed out, nothing listens on the JetStream API yet (JetStream still starting), or the meta group
 * has no leader ("JetStream system temporarily unavailable").
 */
export function noAnswer(err: unknown): boolean {
  if (timedOut(err)) return true;
  if (err instanceof RequestError) return err.isNoResponders();
  // nats.js's JetStreamNotEnabled (not exported): no responders on $JS.API, unless the server itself
  // said the account has no JetStream (then its cause is that answer, and asking again cannot help)
  if (err instanceof Error && err.name === 'JetStreamNotEnabled') return !(err.cause instanceof JetStreamApiError);
  return clusterUnavailable(err);
}

/** a request's answer did not come in time (nats.js says so as either error) */
export const timedOut = (err: unknown): boolean =>
  err instanceof TimeoutError || (err instanceof RequestError && err.cause instanceof TimeoutError);

/** the server's JSClusterNotAvailErr: "JetStream system temporarily unavailable" (no meta leader) */
export const clusterUnavailable = (err: unknown): boolean => err instanceof JetStreamApiError && err.code === 10008;

/**
 * Runs `step` (`what` names it in the log) until it is answered: a failure `noAnswer` recognises is
 * tried again after a pause (250 ms, doubling up to 4 s) while `patience.withinMs` has not passed
 * since the first try; then, or on any other failure, or once `patience.signal` aborts, the last
 * failure is thrown as it came.
 */
export async function untilAnswered<T>(what: string, step: () => Promise<T>, patience: Patience = once): Promise<T> {
  const deadline = Date.now() + patience.withinMs;
  const maxPause = patience.maxPauseMs ?? 4_000;
  for (let attempt = 1, pause = patience.firstPauseMs ?? 250; ; attempt += 1, pause = Math.min(pause * 2, maxPause)) {
    try {
      return await step();
    } catch (err) {
      const left = deadline - Date.now();
      if (!noAnswer(err) || left <= 0 || patience.signal?.aborted) throw err;
      const wait = Math.min(pause, left);
      patience.logger?.warn(
        { step: what, attempt, retryInMs: wait, reason: err instanceof Error ? err.message : String(err) },
        'jetstream: no answer at start, trying again',
      );
      const stopped = await sleep(wait, false, { signal: patience.signal }).catch(() => true);
      if (stopped) throw err;
    }
  }
}
