import { feedV1 } from '@yrd/proto';
import { describe, expect, it } from 'vitest';
import { feedEventsOf, feedMessages } from './feed-nats.js';

const record = (i: number, size = 10): { eventId: string; bytes: Uint8Array } => ({
  eventId: `e-${i}`,
  bytes: feedV1.FeedRecord.encode({
    eventId: `e-${i}`,
    fields: { flow: 'x'.repeat(size) },
    publishedAt: '2026-12-06T01:00:00.000Z',
    publisherAgency: 'A',
  }).finish(),
});
const records = (n: number, size = 10) => Array.from({ length: n }, (_, i) => record(i, size));
const recordsHeader = { get: (k: string) => (k === 'Yrd-Feed-Format' ? 'records' : '') };

describe('a publish call as feed stream messages', () => {
  it('puts a call in one message, in order, that reads back as its events with their places', () => {
    const msgs = feedMessages('WL-00001', records(500), 512 * 1024);
    expect(msgs).toHaveLength(1);
    const events = feedEventsOf({ seq: 7, data: msgs[0]?.data ?? new Uint8Array(), headers: recordsHeader });
    expect(events.map((e) => e.record.eventId)).toEqual(records(500).map((r) => r.eventId));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => 7000 + i));
  });

  it('splits at 1000 events and at the weight given, never splitting an event, a heavy one alone', () => {
    expect(feedMessages('T', records(2500), 10 * 1024 * 1024).map((m) => m.eventIds.length)).toEqual([1000, 1000, 500]);
    const heavy = feedMessages('T', records(10, 1000), 3500);
    expect(heavy.map((m) => m.eventIds.length)).toEqual([3, 3, 3, 1]);
    for (const m of heavy) expect(m.data.length).toBeLessThanOrEqual(3500);
    const alone = feedMessages('T', [record(1), record(2, 5000), record(3)], 1000);
    expect(alone.map((m) => m.eventIds)).toEqual([['e-1'], ['e-2'], ['e-3']]);
  });

  it('names a message by its events: the same events give the same id, others another', () => {
    const a = feedMessages('T', records(3), 1024)[0]?.msgId;
    expect(feedMessages('T', records(3), 1024)[0]?.msgId).toBe(a);
    expect(feedMessages('T', records(4), 1024)[0]?.msgId).not.toBe(a);
    expect(feedMessages('U', records(3), 1024)[0]?.msgId).not.toBe(a);
    expect(a).toMatch(/^T:[0-9a-f]{64}$/);
  });

  it('reads a message written before the format as one event at its stream sequence', () => {
    const [r] = records(1);
    const events = feedEventsOf({ seq: 42, data: r?.bytes ?? new Uint8Array(), headers: undefined });
    expect(events).toEqual([{ seq: 42, record: feedV1.FeedRecord.decode(r?.bytes ?? new Uint8Array()) }]);
  });

  it('refuses a message that cannot be read or holds more events than a message may', () => {
    expect(() => feedEventsOf({ seq: 1, data: Uint8Array.of(0xff, 0xff), headers: recordsHeader })).toThrow();
    const tooMany = feedV1.FeedRecords.encode({
      records: Array.from({ length: 1001 }, () => ({ eventId: 'e', fields: {}, publishedAt: '', publisherAgency: '' })),
    }).finish();
    expect(() => feedEventsOf({ seq: 1, data: tooMany, headers: recordsHeader })).toThrow(/1001/);
  });
});
