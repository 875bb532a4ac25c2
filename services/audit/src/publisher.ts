/** How services of a province write to its audit log: durable JetStream publishes, deduplicated by event id. */
import { auditStream, ensureStream, jetstream, type NatsConnection, publishDurable, subjects } from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';

export class AuditPublisher {
  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
  ) {}

  /** Makes sure the province's audit stream exists (idempotent). */
  async ensure(): Promise<void> {
    await ensureStream(this.nc, { name: auditStream(this.province), subjects: [subjects.auditAll(this.province)] });
  }

  /** Publishes one event and waits for JetStream's ack; a retry with the same event id is a no-op. */
  async publish(ev: auditV1.AuditEvent): Promise<void> {
    await publishDurable(
      jetstream(this.nc),
      subjects.audit(this.province, ev.kind),
      auditV1.AuditEvent.encode(ev).finish(),
      ev.eventId,
    );
  }
}
