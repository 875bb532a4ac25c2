/**
 * The exchange's audit trail for steps that did not go through: what counts as a refusal (deny) and
 * what as a failure (error), and recording it best effort — the caller answers with its own error
 * whether or not the record could be made, and a record that could not is logged.
 */
import { type AuditEventInit, type AuditSink, auditEvent } from '@yrd/audit-events';
import type { AppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';

/** An audit event before its outcome is known; stamped when it is recorded. */
export type PendingEvent = Omit<AuditEventInit, 'occurredAt'>;

const denialKinds = new Set(['invalid', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'rate_limited']);

export const outcomeOf = (e: AppError): 'deny' | 'error' => (denialKinds.has(e.kind) ? 'deny' : 'error');

export async function recordRefusal(
  audit: AuditSink,
  ev: PendingEvent,
  e: AppError,
  at: Date,
  logger: Logger,
  context: Record<string, unknown>,
  what: string,
): Promise<void> {
  try {
    await audit.publish(auditEvent({ ...ev, outcome: outcomeOf(e), code: e.code, occurredAt: at }));
  } catch (auditErr) {
    logger.error({ err: auditErr, ...context }, what);
  }
}
