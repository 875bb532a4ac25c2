/**
 * How services of a province write to its audit log (留痕): durable JetStream publishes to the
 * province's own stream, acknowledged before the caller goes on.
 *
 * Group commit: an event handed over while no publish is awaiting its ack goes at once, alone, on
 * `audit.P.<kind>` deduplicated by its event id; the events handed over meanwhile go together in the
 * next message (an AuditEventBatch on `audit.P.batch`), one publish and one ack for all of them, and
 * each caller goes on when that ack comes. Under load a province publishes once per batch, not once
 * per event; alone, an event waits for nothing. Either way each event keeps its own PRODUCER span,
 * whose context travels with it to the audit log's append.
 */
import { GroupCommit } from '@yrd/batch';
import { invalid, unavailable } from '@yrd/errors';
import {
  auditStream,
  brokerState,
  ensureStream,
  jetstream,
  type NatsConnection,
  publishAcked,
  subjects,
  unlessBrokerDown,
} from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import { context, injectTraceContext, SpanKind, SpanStatusCode, trace, tracer } from '@yrd/telemetry';

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

interface Pending {
  ev: auditV1.AuditEvent;
  /** the trace context of the event's PRODUCER span */
  carrier: Record<string, string>;
}

/** The most events one message carries (an event is well under 2 KB; NATS takes 1 MB a message). */
const MAX_BATCH = 200;

export class AuditPublisher implements AuditSink {
  private readonly batches = new GroupCommit<Pending, Published>((items) => this.send(items), {
    maxBatch: MAX_BATCH,
  });

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
  ) {}

  /** Makes sure the province's audit stream exists (idempotent); call once at start. */
  ensure(): Promise<void> {
    return ensureStream(this.nc, { name: auditStream(this.province), subjects: [subjects.auditAll(this.province)] });
  }

  /**
   * Publishes one event and waits for JetStream's ack. A retry with the same event id is a no-op
   * (within the stream's duplicate window; the audit log itself dedupes by event id for good).
   */
  async publish(ev: auditV1.AuditEvent, onFailure: AuditFailure = {}): Promise<Published> {
    // without an id a retry would be logged twice; the audit log refuses such events anyway
    if (!ev.eventId) throw invalid('AUDIT.EVENT_ID_REQUIRED', `audit event ${ev.kind} without event id`);
    const subject = subjects.audit(this.province, ev.kind);
    const span = tracer().startSpan(`send ${subject}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': subject,
      },
    });
    try {
      const published = await this.batches.submit({
        ev,
        carrier: injectTraceContext({}, trace.setSpan(context.active(), span)),
      });
      span.setAttribute('yrd.jetstream.duplicate', published.duplicate);
      return published;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: onFailure.code ?? AUDIT_UNAVAILABLE });
      throw unavailable(onFailure.code ?? AUDIT_UNAVAILABLE, onFailure.message ?? '留痕失败 audit trail unavailable', {
        cause: err,
      });
    } finally {
      span.end();
    }
  }

  /** One message: the event alone as before, or the batch (see the top of this file). */
  private send(items: Pending[]): Promise<Published[]> {
    // while the broker is known down no ack can come: fail now, not at the publish timeout
    return unlessBrokerDown(
      this.nc,
      async () => {
        const js = jetstream(this.nc);
        const [only] = items;
        if (only && items.length === 1) {
          const one = await publishAcked(
            js,
            subjects.audit(this.province, only.ev.kind),
            auditV1.AuditEvent.encode(only.ev).finish(),
            { msgId: only.ev.eventId, headers: only.carrier },
          );
          return [one];
        }
        const batch = auditV1.AuditEventBatch.encode({
          events: items.map((i) => ({
            event: i.ev,
            traceparent: i.carrier.traceparent ?? '',
            tracestate: i.carrier.tracestate ?? '',
          })),
        }).finish();
        const ack = await publishAcked(js, subjects.auditBatch(this.province), batch);
        return items.map(() => ({ seq: ack.seq, duplicate: false }));
      },
      () => new Error(`NATS connection is ${brokerState(this.nc)}`),
    );
  }
}
