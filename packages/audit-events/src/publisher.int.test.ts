import { AppError } from '@yrd/errors';
import { auditStream, jetstreamManager, type NatsConnection } from '@yrd/nats';
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

  it('refuses an event without an id', async () => {
    await expect(new AuditPublisher(nc, 'sh').publish(event(''))).rejects.toMatchObject({
      kind: 'invalid',
      code: 'AUDIT.EVENT_ID_REQUIRED',
    });
  });
});
