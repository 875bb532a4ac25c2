import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import { planNodes } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../app/subscriptions.js';
import { exchangeMigrations } from '../service.js';
import { subscriptionEventsSchema } from './http-schemas.js';
import { SubscriptionRepo } from './subscription-db.js';

/**
 * The requester's store of received events: a batch goes in as one statement and each event's
 * fields are kept as the JSON text they arrived as; a page reads its timestamps formatted by the
 * database. What a reader gets back must be exactly what was delivered, and a page after a cursor
 * costs a page however many events lie behind it.
 */
const sub: Subscription = {
  side: 'requester',
  id: 'sub-sh-0001',
  resourceId: 'js.320000-WL-00001',
  providerProvince: 'js',
  requesterProvince: 'sh',
  requester: { userId: 'sh-dsj-requester', agency: '11310000MB2F12345X', roles: ['requester'], kind: 'government' },
  purpose: '长三角节假日大客流预警',
  grantId: '',
  items: [],
  grantedItems: ['scenic_spot', 'visitors'],
  masking: {},
  status: 'active',
  endCode: '',
  endReason: '',
  endedAt: '',
  endPending: false,
  createdAt: '2026-12-06T08:00:00.000Z',
};

const event = (i: number, fields: Record<string, string>, publishedAt = '2026-12-06T08:00:01.250Z') => ({
  eventId: `ev-${String(i).padStart(4, '0')}`,
  providerSeq: 1000 + i,
  fields,
  publishedAt,
});

describe('received events in the requester’s database', () => {
  let h: DatabaseHandle;
  let repo: SubscriptionRepo;
  /** a page as the store writes it, read as its readers would; its last cursor agrees */
  const read = async (id: string, after: number, limit: number) => {
    const page = await repo.events(id, after, limit);
    const events = subscriptionEventsSchema.shape.events.parse(JSON.parse(page.json));
    expect(page.last).toBe(events.at(-1)?.cursor);
    return events;
  };
  beforeAll(async () => {
    h = await openDatabase();
    await migrate(h, 'exchange', exchangeMigrations);
    repo = new SubscriptionRepo(h);
    await repo.insert(sub);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('reads back each event’s fields and times exactly as delivered, in batch order', async () => {
    const awkward = {
      scenic_spot: '西湖"断桥"\\残雪',
      note: 'line\nbreak\ttab — 🚄 ✓',
      visitors: '12345',
      empty: '',
    };
    const batch = [event(1, awkward), event(2, { visitors: '7' }, ''), event(3, { 'key "quoted"': 'v' })];
    // an event id is the publisher's: whatever it holds comes back as it went in
    const oddId = { ...event(4, { visitors: '8' }), eventId: 'ev-"引号"\\/\n🚄' };
    batch.push(oddId);
    const within: { stored: number; duplicates: number }[] = [];
    const out = await repo.receive(sub.id, batch, '2026-12-06T08:00:02.500Z', async (o) => {
      within.push(o);
    });
    expect(out).toEqual({ kind: 'stored', stored: 4, duplicates: 0 });
    expect(within).toEqual([{ stored: 4, duplicates: 0 }]);

    const page = await read(sub.id, 0, 10);
    expect(page.map((e) => e.id)).toEqual(['ev-0001', 'ev-0002', 'ev-0003', oddId.eventId]);
    expect(page[0]?.fields).toEqual(awkward);
    expect(page[2]?.fields).toEqual({ 'key "quoted"': 'v' });
    expect(page.map((e) => e.publishedAt)).toEqual([
      '2026-12-06T08:00:01.250Z',
      '',
      '2026-12-06T08:00:01.250Z',
      '2026-12-06T08:00:01.250Z',
    ]);
    expect(page.map((e) => e.receivedAt)).toEqual(Array(4).fill('2026-12-06T08:00:02.500Z'));
    // the cursors increase in batch order
    const cursors = page.map((e) => Number(e.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);

    // stored as the text it arrived as, not as a re-serialised copy
    const [row] = await h.rows<{ fields: string }>(
      sql`select fields from exchange.subscription_events where event_id = 'ev-0001'`,
    );
    expect(row?.fields).toBe(JSON.stringify(awkward));
  });

  it('stores a redelivered event once and the new ones of its batch after the earlier ones', async () => {
    const before = await read(sub.id, 0, 100);
    const last = Number(before.at(-1)?.cursor);
    const out = await repo.receive(
      sub.id,
      [event(2, { visitors: '7' }), event(4, { visitors: '9' }), event(5, { visitors: '11' })],
      '2026-12-06T08:00:03.000Z',
      async () => {},
    );
    expect(out).toEqual({ kind: 'stored', stored: 2, duplicates: 1 });
    const after = await read(sub.id, last, 100);
    expect(after.map((e) => e.id)).toEqual(['ev-0004', 'ev-0005']);
    expect(after.every((e) => e.receivedAt === '2026-12-06T08:00:03.000Z')).toBe(true);
  });

  it('takes a batch of 500 in one statement, in order', async () => {
    const before = await read(sub.id, 0, 1000);
    const last = Number(before.at(-1)?.cursor);
    const batch = Array.from({ length: 500 }, (_, i) => event(100 + i, { n: String(i), spot: `景区${i}` }));
    const out = await repo.receive(sub.id, batch, '2026-12-06T08:00:04.000Z', async () => {});
    expect(out).toEqual({ kind: 'stored', stored: 500, duplicates: 0 });
    const page = await read(sub.id, last, 1000);
    expect(page.map((e) => e.id)).toEqual(batch.map((e) => e.eventId));
    expect(page.map((e) => e.fields)).toEqual(batch.map((e) => e.fields));
    // a page reads at most its limit, and past the last event there is an empty page
    expect(await read(sub.id, last, 7)).toHaveLength(7);
    const end = Number(page.at(-1)?.cursor);
    expect(await repo.events(sub.id, end, 1000)).toEqual({ json: '[]', last: undefined });
  });

  it('reads a page after a cursor through the cursor’s index, however many events wait behind it', async () => {
    const backlog: Subscription = { ...sub, id: 'sub-sh-0002' };
    await repo.insert(backlog);
    for (let b = 0; b < 8; b++) {
      const batch = Array.from({ length: 500 }, (_, i) => event(2000 + b * 500 + i, { n: String(i) }));
      await repo.receive(backlog.id, batch, '2026-12-06T08:00:06.000Z', async () => {});
    }
    // the statistics follow the table's growth (PGlite runs no autovacuum): analysed off the write path
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [r] = await h.rows<{ n: number | string }>(
        sql`select reltuples::bigint as n from pg_class where oid = 'exchange.subscription_events'::regclass`,
      );
      if (Number(r?.n) >= 3000) break;
      if (Date.now() > deadline) throw new Error(`subscription_events not analysed: ${r?.n} rows known`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const first = Number((await read(backlog.id, 0, 1))[0]?.cursor);
    // the rows of a page as events() selects them: 4,000 events behind the cursor, 100 read
    const all = await planNodes(
      h,
      sql`select seq, event_id from exchange.subscription_events
          where subscription_id = ${backlog.id} and seq > ${first} order by seq limit 100`,
      { analyze: true },
    );
    expect(all.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(Math.max(...all.map((n) => Number(n['Actual Rows'] ?? 0)))).toBeLessThanOrEqual(100);
    const page = await read(backlog.id, first, 100);
    expect(page.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => `ev-${2001 + i}`));
  });

  it('refuses a batch for a subscription it does not hold, and stores nothing', async () => {
    const out = await repo.receive('sub-sh-none', [event(900, { visitors: '1' })], '2026-12-06T08:00:05.000Z', () =>
      Promise.reject(new Error('must not be called')),
    );
    expect(out).toEqual({ kind: 'unknown' });
    const [row] = await h.rows<{ n: number }>(
      sql`select count(*)::int as n from exchange.subscription_events where event_id = 'ev-0900'`,
    );
    expect(row?.n).toBe(0);
  });
});
