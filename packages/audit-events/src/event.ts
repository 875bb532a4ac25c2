/** Building audit events: pure, so a service can derive the same event again from the same fact. */
import { createHash } from 'node:crypto';
import { auditV1 } from '@yrd/proto';

/** What a caller states about an event; every other string is '' and `items` is []. */
export type AuditEventInit = Partial<Omit<auditV1.AuditEvent, 'occurredAt' | 'items'>> &
  Pick<auditV1.AuditEvent, 'eventId' | 'province' | 'kind'> & {
    items?: readonly string[] | undefined;
    /** when the fact happened, from the caller's clock or the stored row; never read here */
    occurredAt: Date | string;
  };

export function auditEvent(init: AuditEventInit): auditV1.AuditEvent {
  const { occurredAt, ...fields } = init;
  return {
    ...auditV1.AuditEvent.fromPartial({}),
    ...fields,
    items: [...(fields.items ?? [])],
    occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
  };
}

/** The `payloadHash` of an event: sha256, hex. Events carry this, never the payload. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
