/**
 * The exchange's audit trail: what counts as a refusal (deny) and what as a failure (error), how
 * records are named, and recording a refusal best effort — the caller answers with its own error
 * whether or not the record could be made, and a record that could not is logged.
 *
 * Event ids are what JetStream's duplicate window and the audit log's dedupe go by, so an id names
 * one fact and nothing else: each refusal is its own record (a retry refused again is another
 * refusal), and a refusal's id can never be the id of an allow. A step's `eventId` in a
 * `PendingEvent` is only the stem the record's id is built on.
 */
import { randomUUID } from 'node:crypto';
import { type AuditEventInit, type AuditSink, auditEvent } from '@yrd/audit-events';
import { type AppError, asAppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';

/** An audit event before its outcome is known; stamped when it is recorded. */
export type PendingEvent = Omit<AuditEventInit, 'occurredAt'>;

const denialKinds = new Set(['invalid', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'rate_limited']);

export const outcomeOf = (e: AppError): 'deny' | 'error' => (denialKinds.has(e.kind) ? 'deny' : 'error');

/** One attempt at a step (a request as it arrives, a call as it is made): its own identity. */
export const newAttemptId = (): string => randomUUID();

/** The id of the allow record of a step: `distinct` names what was allowed (an attempt, a reply). */
export const allowEventId = (stem: string, distinct: string): string => `${stem}:allow:${distinct}`;

/** The id of one refusal of a step: never shared with another refusal or with an allow. */
export const refusalEventId = (stem: string, outcome: 'deny' | 'error', attempt: string): string =>
  `${stem}:${outcome}:${attempt}`;

export async function recordRefusal(
  audit: AuditSink,
  ev: PendingEvent,
  e: AppError,
  at: Date,
  logger: Logger,
  context: Record<string, unknown>,
  what: string,
  attempt: string = newAttemptId(),
): Promise<void> {
  const outcome = outcomeOf(e);
  const record = auditEvent({
    ...ev,
    eventId: refusalEventId(ev.eventId, outcome, attempt),
    outcome,
    code: e.code,
    occurredAt: at,
  });
  try {
    await audit.publish(record);
  } catch (auditErr) {
    // the record itself, in the log instead (hashes and codes only, as in the trail; no subject)
    const { subjectRef: _subject, ...fields } = record;
    logger.error({ err: auditErr, ...context, unrecorded: fields }, what);
  }
}

/** Where a step's refusals go: the province's audit sink, the log for one that cannot be recorded. */
export interface Trail {
  audit: AuditSink;
  logger: Logger;
  clock: () => Date;
}

export interface RefusalNote {
  /** log fields naming the request (never the subject) */
  context: Record<string, unknown>;
  /** the log message of a refusal that could not be recorded */
  unrecorded: string;
  /** the log message of an unexpected failure (kind internal), logged with its error; none: not logged */
  failed?: string;
  /** the attempt the refusal belongs to (default: a new one) */
  attempt?: string;
  /** runs first on any refusal: what the step holds or left behind goes before the record is made */
  undo?: () => Promise<void>;
}

/**
 * Runs one step of the exchange — asking the provider, or serving what was asked — so that no
 * refusal is silent: whatever the step throws is recorded as this step's deny or error (best
 * effort, see recordRefusal) and thrown on as an AppError.
 */
export async function refusalOnRecord<T>(
  trail: Trail,
  ev: PendingEvent,
  note: RefusalNote,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (note.undo) await note.undo();
    const e = asAppError(err);
    if (note.failed !== undefined && e.kind === 'internal') trail.logger.error({ err, ...note.context }, note.failed);
    await recordRefusal(trail.audit, ev, e, trail.clock(), trail.logger, note.context, note.unrecorded, note.attempt);
    throw e;
  }
}
