/**
 * The audit service's JetStream consumer over its life. Events JetStream handed to a consumer that
 * then went away (a crash, a stop while they were on the wire) are in nobody's hands until the
 * consumer's ack wait runs out: these tests pin how long a restarted service's log lags for that (the
 * ack wait, 5 s, was 30 s), that a consumer made by an earlier version takes the new wait, that an
 * append slower than the wait is not handed out a second time while it runs, and that a consumer
 * deleted under a running service is made again instead of the log stopping without a word.
 */
import { AckPolicy } from '@nats-io/jetstream';
import { type DatabaseHandle, sql } from '@yrd/db';
import { auditStream, jetstream, jetstreamManager, type NatsConnection } from '@yrd/nats';
import { createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_ACK_WAIT_MS } from './adapters/nats.js';
import { AUDIT_CONSUMER, AuditPublisher, startAudit } from './index.js';
import { anExchangeEvent } from './test-events.js';

/** a synthetic exchange event with the id `id` */
const event = (id: string) => anExchangeEvent(0, { eventId: id, requestId: `req-${id}` });

const stream = auditStream('sh');

/** how many of `ids` are in the log */
const inLog = async (db: DatabaseHandle, ids: string[]) => {
  const rows = await db.rows<{ event_id: string }>(sql`select event_id from audit.records`);
  const have = new Set(rows.map((r) => r.event_id));
  return ids.filter((id) => have.has(id)).length;
};

describe('the audit consumer after a crash', () => {
  let tb: Testbed;
  let nc: NatsConnection;
  let db: DatabaseHandle;
  let pub: AuditPublisher;

  beforeAll(async () => {
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    ({ nc, db } = deps);
    pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
  });

  afterAll(() => tb?.close());

  it('events a crashed consumer held are in the log about one ack wait after the start, and an earlier version’s 30 s consumer takes the new wait', async () => {
    // the consumer as the version before made it, and events it was sent but never acknowledged
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, {
      durable_name: AUDIT_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: 30_000_000_000,
    });
    const ids = Array.from({ length: 20 }, (_, i) => `crash-${i}`);
    for (const id of ids) await pub.publish(event(id));
    const held = await (await jetstream(nc).consumers.get(stream, AUDIT_CONSUMER)).fetch({
      max_messages: ids.length,
      expires: 5000,
    });
    let taken = 0;
    for await (const _m of held) if (++taken === ids.length) break;
    expect(taken).toBe(ids.length);
    expect((await jsm.consumers.info(stream, AUDIT_CONSUMER)).num_ack_pending).toBe(ids.length);

    // the process that held them is gone; a new one starts
    const started = Date.now();
    await tb.started(startAudit(await tb.deps('sh', { db }), { headEvery: 1 }));
    expect((await jsm.consumers.info(stream, AUDIT_CONSUMER)).config.ack_wait).toBe(AUDIT_ACK_WAIT_MS * 1_000_000);

    await expect.poll(() => inLog(db, ids), { timeout: 20_000, interval: 100 }).toBe(ids.length);
    const lag = Date.now() - started;
    // redelivered after the new wait, not the 30 s the consumer was made with
    expect(lag).toBeLessThan(AUDIT_ACK_WAIT_MS + 10_000);
    // each ack follows its event's append, so the last may reach the server just after the look above
    await expect
      .poll(async () => (await jsm.consumers.info(stream, AUDIT_CONSUMER)).num_ack_pending, { timeout: 5000 })
      .toBe(0);
  });
});

describe('the audit consumer while an append is slow', () => {
  let tb: Testbed;

  beforeAll(async () => {
    tb = await createTestbed();
  });

  afterAll(() => tb?.close());

  it('an append slower than the ack wait keeps its events: each is appended once, not handed out again meanwhile', async () => {
    // a 1 s wait, and every append held 3 s
    const deps = await tb.deps('sh');
    const { nc, db } = deps;
    const pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
    const running = await tb.started(startAudit(deps, { headEvery: 1, ackWaitMs: 1000 }));
    const append = running.log.appendMany.bind(running.log);
    const seen: string[] = [];
    const slow = vi.spyOn(running.log, 'appendMany').mockImplementation(async (events) => {
      for (const e of events) seen.push(e.eventId);
      await new Promise((r) => setTimeout(r, 3000));
      return append(events);
    });

    const ids = ['slow-0', 'slow-1', 'slow-2'];
    for (const id of ids) await pub.publish(event(id));
    await expect.poll(() => inLog(db, ids), { timeout: 20_000, interval: 100 }).toBe(ids.length);
    // a second batch would have come a wait after the first delivery, while the first still ran
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen.sort()).toEqual(ids);
    const jsm = await jetstreamManager(nc);
    await expect
      .poll(async () => (await jsm.consumers.info(stream, AUDIT_CONSUMER)).num_ack_pending, { timeout: 5000 })
      .toBe(0);
    expect((await jsm.consumers.info(stream, AUDIT_CONSUMER)).num_redelivered).toBe(0);
    slow.mockRestore();
  });
});

describe('the audit consumer deleted while the service runs', () => {
  let tb: Testbed;

  beforeAll(async () => {
    tb = await createTestbed();
  });

  afterAll(() => tb?.close());

  it('is made again and taking goes on: events published before and after the deletion are all in the log, once', async () => {
    const deps = await tb.deps('sh');
    const { nc, db } = deps;
    const pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
    await tb.started(startAudit(deps, { headEvery: 1 }));
    const before = ['gone-0', 'gone-1', 'gone-2'];
    for (const id of before) await pub.publish(event(id));
    await expect.poll(() => inLog(db, before), { timeout: 10_000, interval: 100 }).toBe(before.length);

    const jsm = await jetstreamManager(nc);
    await jsm.consumers.delete(stream, AUDIT_CONSUMER);
    const after = ['gone-3', 'gone-4', 'gone-5'];
    for (const id of after) await pub.publish(event(id));
    await expect.poll(() => inLog(db, after), { timeout: 15_000, interval: 100 }).toBe(after.length);

    const info = await jsm.consumers.info(stream, AUDIT_CONSUMER);
    expect(info.config.ack_wait).toBe(AUDIT_ACK_WAIT_MS * 1_000_000);
    // the new consumer hands out the whole stream again; the log keeps each event once
    const rows = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit.records`);
    expect(rows[0]?.n).toBe(before.length + after.length);
  });
});

describe('the audit consumer when it cannot go on', () => {
  let tb: Testbed;

  beforeAll(async () => {
    tb = await createTestbed();
  });

  afterAll(() => tb?.close());

  it('its NATS connection closed for good: the log is failed with AUDIT.LOG_INGEST_STOPPED and /healthz answers 503', async () => {
    const deps = await tb.deps('sh');
    const running = await tb.started(startAudit(deps, { headEvery: 1 }));
    expect(running.log.health.current()).toEqual({ status: 'ok' });

    await deps.nc.close();
    await expect
      .poll(() => {
        const s = running.log.health.current();
        return s.status === 'failed' ? s.code : s.status;
      })
      .toBe('AUDIT.LOG_INGEST_STOPPED');
    const health = await fetch(`${running.httpUrl}/healthz`);
    expect(health.status).toBe(503);
  });
});
