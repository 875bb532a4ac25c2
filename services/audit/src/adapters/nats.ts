/**
 * JetStream ingestion: every service of the province publishes its audit events on `audit.P.<kind>`
 * into the province's AUDIT_P stream; the durable pull consumer `audit-log` appends them in order.
 * Delivery is at least once; the log dedupes by event id, so each event is in the log exactly once.
 */
import { AckPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { asAppError } from '@yrd/errors';
import type { Logger } from '@yrd/logger';
import { auditStream, ensureStream, jetstream, jetstreamManager, type NatsConnection, subjects } from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import type { Province } from '@yrd/region';
import type { AuditLog } from '../app/audit-log.js';

export const AUDIT_CONSUMER = 'audit-log';

export class AuditIngest {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly province: Province,
    private readonly log: AuditLog,
    private readonly logger: Logger,
    private readonly retryDelayMs = 1000,
  ) {}

  async start(): Promise<void> {
    const stream = auditStream(this.province);
    await ensureStream(this.nc, { name: stream, subjects: [subjects.auditAll(this.province)] });
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.consumers.info(stream, AUDIT_CONSUMER);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: AUDIT_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        ack_wait: 30_000_000_000,
      });
    }
    const consumer = await jetstream(this.nc).consumers.get(stream, AUDIT_CONSUMER);
    const messages = await consumer.consume({ max_messages: 100 });
    this.messages = messages;
    this.loop = (async () => {
      for await (const m of messages) {
        let ev: auditV1.AuditEvent;
        try {
          ev = auditV1.AuditEvent.decode(m.data);
        } catch (err) {
          this.logger.error({ err, subject: m.subject, seq: m.seq }, 'undecodable audit event dropped');
          m.term();
          continue;
        }
        try {
          await this.log.append(ev);
          m.ack();
        } catch (err) {
          const e = asAppError(err);
          if (e.kind === 'invalid') {
            this.logger.error({ err, eventId: ev.eventId }, 'invalid audit event dropped');
            m.term();
          } else {
            this.logger.error({ err, eventId: ev.eventId }, 'appending audit event failed; redelivery later');
            m.nak(this.retryDelayMs);
          }
        }
      }
    })().catch((err) => this.logger.error({ err }, 'audit consumer stopped'));
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    this.messages = undefined;
    this.loop = undefined;
  }
}
