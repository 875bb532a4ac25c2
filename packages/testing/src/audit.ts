/** Reads a province's audit stream straight from JetStream: what its services published, in order. */
import { auditStream, jetstreamManager, type NatsConnection } from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';

export async function auditEventsIn(
  nc: NatsConnection,
  p: Province,
): Promise<{ count: number; events: auditV1.AuditEvent[] }> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(auditStream(p));
  const events: auditV1.AuditEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(auditStream(p), { seq });
    if (m) events.push(auditV1.AuditEvent.decode(m.data));
  }
  return { count: info.state.messages, events };
}
