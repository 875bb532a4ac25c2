/**
 * One Error fewer per NATS request. nats.js (3.3.1 and 3.4.0) answers a request in
 * `RequestOne.resolver`: it resolves the caller's promise with the reply, then calls `cancel()`,
 * which also rejects that promise — already settled, so the rejection is ignored — with a
 * `new RequestError("cancelled")` built for nothing. Building it captures a stack trace, on every
 * request and every JetStream publish (a publish is a request for its ack), whatever `noAsyncTraces`
 * says: 2.1 % of the region's busy samples in the exchange bench's profile, and a third of a bare
 * request's client CPU (bench/RESULTS.md, eighth pass).
 *
 * `settleRequestsWithoutCancelError()` gives `RequestOne` a resolver that does on a reply what the
 * library's does — stop the timer, resolve, leave the inbox's table — without that rejection; an
 * error (no responders, a closed connection) still goes through the library's own resolver. It
 * changes nothing a caller can see. If the class no longer looks as this expects (another version
 * of the client), nothing is changed and `requestSettleState()` says so; its test fails then, so
 * an upgrade is looked at rather than silently patched. Used inside `@yrd/nats` only (`connectProvince`).
 */
import { RequestOne } from '@nats-io/nats-core/internal';

interface RequestOneInternals {
  resolver(err: Error | null, msg: unknown): void;
  timer?: { cancel(): void } | undefined;
  mux: { cancel(r: unknown): void };
  deferred: { resolve(value: unknown): void };
}

type Resolver = RequestOneInternals['resolver'];

const prototype = RequestOne.prototype as unknown as RequestOneInternals & { cancel?: unknown };
const libraryResolver: Resolver = prototype.resolver;

/** The library's resolver is the one this replaces: a reply resolved, then `this.cancel()`. */
function looksAsExpected(): boolean {
  if (typeof libraryResolver !== 'function' || typeof prototype.cancel !== 'function') return false;
  const source = Function.prototype.toString.call(libraryResolver);
  return source.includes('this.deferred.resolve(msg)') && source.includes('this.cancel()');
}

function resolver(this: RequestOneInternals, err: Error | null, msg: unknown): void {
  if (err) {
    libraryResolver.call(this, err, msg);
    return;
  }
  this.timer?.cancel();
  this.deferred.resolve(msg);
  this.mux.cancel(this);
}

let state: 'library' | 'settled' | 'unrecognised' = 'library';

/**
 * Marks the class once a resolver of this module is installed: a second instance of this module in
 * the same process (loaded again, as a test runner that resets its modules does) finds the library's
 * resolver replaced already, and must not take that for a client it does not know.
 */
const installedMark = Symbol.for('@yrd/nats request-settle installed');

/** Installs the resolver above once per process (idempotent). */
export function settleRequestsWithoutCancelError(): void {
  if (state !== 'library') return;
  const marked = prototype as unknown as Record<symbol, boolean>;
  if (marked[installedMark]) {
    state = 'settled';
  } else if (looksAsExpected()) {
    prototype.resolver = resolver;
    marked[installedMark] = true;
    state = 'settled';
  } else {
    state = 'unrecognised';
  }
}

/** What answers requests in this process: the library's resolver, or the one installed here. */
export function requestSettleState(): typeof state {
  return state;
}
