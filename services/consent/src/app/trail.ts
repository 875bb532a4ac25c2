/**
 * The audit trail (留痕) of the consent lifecycle, as the use cases write to it.
 *
 * Order: the database first, then the audit event, built from the row as committed and published
 * with an event id that is stable per fact (`<id>:submitted`, `<id>:decided`, `<id>:revoked`, …).
 * Publishing first would be worse: a failed or lost-race write would leave the log holding a
 * decision that never happened (two racing reviewers would put an approval on record for what the
 * database stored as a rejection). So:
 * - a state change (decision, revocation) stays committed when the publish fails; the caller gets
 *   503 AUDIT.UNAVAILABLE, and its retry finds the row already changed and re-publishes the same
 *   event — deduplicated by JetStream's window and by the audit log's event id — without a second
 *   write (a decision retry still answers 409 ALREADY_DECIDED, after the event is on record);
 * - a new row (application, consent) has no id the caller knows yet, so a retry could not find it:
 *   it is withdrawn before the 503 instead, and the retry starts afresh. Only if the database
 *   also fails then does an unaudited row remain; the error log names it for re-driving.
 * If the ack alone was lost, the log may hold a `submitted`/`created` event of a withdrawn row:
 * it over-records an attempt, which is safer for an audit trail than missing a fact.
 */
import type { AuditSink } from '@yrd/audit-events';
import type { Logger } from '@yrd/logger';
import type { auditV1 } from '@yrd/proto';

export class AuditTrail {
  constructor(
    private readonly sink: AuditSink,
    private readonly logger: Logger,
  ) {}

  /** The event of a state change already committed (a retry publishes it again). */
  async record(ev: auditV1.AuditEvent): Promise<void> {
    try {
      await this.sink.publish(ev);
    } catch (err) {
      this.logger.error({ err, eventId: ev.eventId }, 'audit event could not be published');
      throw err;
    }
  }

  /** The event of a new row; when it cannot be published, the row is withdrawn before the error. */
  async recordOrWithdraw(ev: auditV1.AuditEvent, withdraw: () => Promise<void>): Promise<void> {
    try {
      await this.sink.publish(ev);
    } catch (err) {
      try {
        await withdraw();
        this.logger.error({ err, eventId: ev.eventId }, 'audit event could not be published; the new row is withdrawn');
      } catch (withdrawErr) {
        this.logger.error(
          { err, withdrawErr, eventId: ev.eventId },
          'audit event could not be published and the new row could not be withdrawn: re-drive its audit event',
        );
      }
      throw err;
    }
  }
}
