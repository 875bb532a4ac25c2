import { AppError } from '@yrd/errors';
import { auditStream, jetstreamManager, type NatsConnection } from '@yrd/nats';
import { auditV1 } from '@yrd/proto';
import { createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent } from './event.js';
import { AuditPublisher } from './publisher.js';

const event = (eventId: string) =>
  auditEvent({ eventId, province: 'sh', kind: 'test.thing.done', occurredAt: '2025-01-01T00:00:00.000Z' });

describe('AuditPublisher on a real nats-server', () => {
  let tb: Testbed;
  let nc: NatsConnection;

  beforeAll(async () => {
    tb = await createTestbed();
    nc = await tb.connect('sh');
  });

  afterAll(() => tb?.close());

  it('fails as 503 AUDIT.UNAVAILABLE (or the caller’s code) while the stream does not exist', async () => {
    const pub = new AuditPublisher(nc, 'sh');
    const err = await pub.publish(event('e-early')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: 'unavailable', code: 'AUDIT.UNAVAILABLE' });
    await expect(
      pub.publish(event('e-early'), { code: 'X.AUDIT_UNAVAILABLE', message: 'nothing done' }),
    ).rejects.toMatchObject({ kind: 'unavailable', code: 'X.AUDIT_UNAVAILABLE', message: 'nothing done' });
  });

  it('ensures the stream, waits for the ack, and writes a retried event id once', async () => {
    const pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
    await pub.ensure(); // idempotent
    const first = await pub.publish(event('e-1'));
    expect(first.duplicate).toBe(false);
    expect(await pub.publish(event('e-1'))).toEqual({ seq: first.seq, duplicate: true });
    await pub.publish(event('e-2'));
    const info = await (await jetstreamManager(nc)).streams.info(auditStream('sh'));
    expect(info.state.messages).toBe(2);
    expect(info.config.subjects).toEqual(['audit.sh.>']);
  });

  it('publishes events handed over while an ack is awaited together, in one message, each caller told when it is durable', async () => {
    const pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(auditStream('sh'))).state.messages;
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => pub.publish(event(`g-${i}`))));
    expect(acks).toHaveLength(30);
    const after = (await jsm.streams.info(auditStream('sh'))).state;
    // the first alone, the other 29 together while it awaited its ack (one batch of up to 200)
    expect(after.messages - before).toBe(2);
    const batch = await jsm.streams.getMessage(auditStream('sh'), { seq: after.last_seq });
    expect(batch?.subject).toBe('audit.sh.batch');
    const events = auditV1.AuditEventBatch.decode(batch?.data ?? new Uint8Array()).events;
    expect(events.map((e) => e.event?.eventId)).toEqual(Array.from({ length: 29 }, (_, i) => `g-${i + 1}`));
    for (const a of acks.slice(1)) expect(a).toEqual({ seq: after.last_seq, duplicate: false });
  });

  it('refuses an event without an id', async () => {
    await expect(new AuditPublisher(nc, 'sh').publish(event(''))).rejects.toMatchObject({
      kind: 'invalid',
      code: 'AUDIT.EVENT_ID_REQUIRED',
    });
  });
});
