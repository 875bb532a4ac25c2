/**
 * Whether the province's audit log can be trusted to record what happens now. The province fails
 * closed on it (as X-Road refuses to serve when it cannot log): while the log is failed its exchange
 * refuses to send or serve (services/exchange/src/adapters/audit-state.ts), /healthz answers 503,
 * and an operator is told once at error level.
 *
 * Codes:
 *  - AUDIT.LOG_APPEND_FAILED: an append failed (e.g. the database is down); clears itself when an
 *    append succeeds again;
 *  - AUDIT.LOG_INCONSISTENT: what is stored is not what the log appended (a seq taken, log_state
 *    moved, rows missing or altered); stays until an operator repairs the log and restarts;
 *  - AUDIT.LOG_TAMPERED: the verifier found the stored log altered; stays as the one above;
 *  - AUDIT.LOG_INGEST_STOPPED: the service stopped taking events from its province's stream for a
 *    reason it cannot mend by itself (its NATS connection closed, an unexpected error): the log would
 *    no longer grow with what the province does; stays until the audit service is restarted.
 */

export const LOG_APPEND_FAILED = 'AUDIT.LOG_APPEND_FAILED';
export const LOG_INCONSISTENT = 'AUDIT.LOG_INCONSISTENT';
export const LOG_TAMPERED = 'AUDIT.LOG_TAMPERED';
export const LOG_INGEST_STOPPED = 'AUDIT.LOG_INGEST_STOPPED';
/** every code the metric reports, so a code that cleared shows 0 rather than vanishing */
export const logFailureCodes = [LOG_APPEND_FAILED, LOG_INCONSISTENT, LOG_TAMPERED, LOG_INGEST_STOPPED] as const;

export type LogState = { status: 'ok' } | { status: 'failed'; code: string; message: string; since: string };

export type LogStateListener = (state: LogState) => void;

/** Only a failed append clears on its own: the others mean the stored log needs an operator. */
const transient = (code: string) => code === LOG_APPEND_FAILED;

export class LogHealth {
  #state: LogState = { status: 'ok' };
  readonly #listeners = new Set<LogStateListener>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  current(): LogState {
    return this.#state;
  }

  /** Whether the failure lasts until an operator acts (a restart at least), not a passing one. */
  get damaged(): boolean {
    return this.#state.status === 'failed' && !transient(this.#state.code);
  }

  /**
   * The log failed. A lasting failure is never replaced by a passing one, nor by another lasting one
   * (the first finding is what the operator must see); a passing one is replaced by a lasting one.
   */
  fail(code: string, message: string): void {
    const s = this.#state;
    if (s.status === 'failed' && (!transient(s.code) || (transient(code) && s.code === code))) return;
    this.#set({ status: 'failed', code, message, since: this.clock().toISOString() });
  }

  /** An append succeeded: a passing failure is over; a lasting one stays. */
  recover(): void {
    if (this.#state.status === 'failed' && transient(this.#state.code)) this.#set({ status: 'ok' });
  }

  /** Calls `listener` on every change; returns the unsubscribe. */
  onChange(listener: LogStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(state: LogState): void {
    this.#state = state;
    for (const l of this.#listeners) l(state);
  }
}
