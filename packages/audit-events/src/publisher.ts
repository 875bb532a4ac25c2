/**
 * How services of a province write to its audit log (留痕): durable JetStream publishes to the
 * province's own stream, deduplicated by event id, acknowledged before the caller goes on.
 */
import { invalid, unavailable } from '@yrd/errors';
import {
  auditStream,
  brokerState,
  ensureStream,
  jetstream,
  type NatsConnection,
  type Patience,
  publishDurable,
  subjects,
  unlessBrokerDown,
  untilAnswered,
} from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';

export const AUDIT_UNAVAILABLE = 'AUDIT.UNAVAILABLE';

/** The AppError a caller wants when an event cannot be made durable (it chooses the code and words). */
export interface AuditFailure {
  code?: string;
  message?: string;
}

export interface Published {
  seq: number;
  /** JetStream had this event id already (a retry): nothing was written */
  duplicate: boolean;
}

/** The port use cases depend on; `AuditPublisher` is the JetStream implementation. */
export interface AuditSink {
  /** Resolves once the event is durable; rejects with an AppError of kind `unavailable` otherwise. */
  publish(ev: auditV1.AuditEvent, onFailure?: AuditFailure): Promise<Published>;
}

export class AuditPublisher implements AuditSink {
  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
  ) {}

  /**
   * Makes sure the province's audit stream exists (idempotent); call once at start. With `patience`
   * a broker that does not answer in time is asked again (`untilAnswered`).
   */
  async ensure(patience?: Patience): Promise<void> {
    const stream = auditStream(this.province);
    await untilAnswered(
      `the audit stream ${stream}`,
      () => ensureStream(this.nc, { name: stream, subjects: [subjects.auditAll(this.province)] }),
      patience,
    );
  }

  /**
   * Publishes one event and waits for JetStream's ack. A retry with the same event id is a no-op
   * (within the stream's duplicate window; the audit log itself dedupes by event id for good).
   */
  async publish(ev: auditV1.AuditEvent, onFailure: AuditFailure = {}): Promise<Published> {
    // without an id a retry would be logged twice; the audit log refuses such events anyway
    if (!ev.eventId) throw invalid('AUDIT.EVENT_ID_REQUIRED', `audit event ${ev.kind} without event id`);
    try {
      // while the broker is known down no ack can come: fail now, not at the publish timeout
      return await unlessBrokerDown(
        this.nc,
        () =>
          publishDurable(
            jetstream(this.nc),
            subjects.audit(this.province, ev.kind),
            auditV1.AuditEvent.encode(ev).finish(),
            ev.eventId,
          ),
        () => new Error(`NATS connection is ${brokerState(this.nc)}`),
      );
    } catch (err) {
      throw unavailable(onFailure.code ?? AUDIT_UNAVAILABLE, onFailure.message ?? '留痕失败 audit trail unavailable', {
        cause: err,
      });
    }
  }
}
