/**
 * Subscriptions (订阅) between 上海 (requester) and 浙江 (provider) on a real nats-server with the
 * province accounts: 浙江 runs its catalogue, consent and exchange services, 上海 its exchange. Grants
 * come from 浙江's real consent service, so the refusals are its rules (R-MODE, R-GRANT,
 * R-SENSITIVE-CONSENT) and a revocation is its revocation.
 */
import type { Principal } from '@yrd/auth';
import { type RunningCatalog, startCatalog } from '@yrd/catalog';
import { type RunningConsent, startConsent } from '@yrd/consent';
import { type DatabaseHandle, openDatabase, sql } from '@yrd/db';
import { feedStream, jetstreamManager, type NatsConnection, request, subjects } from '@yrd/nats';
import { feedV1 } from '@yrd/proto';
import { InMemorySpanExporter, initTelemetry, type ReadableSpan, SpanKind } from '@yrd/telemetry';
import { aDataItem, agencyCode, aPrincipal, aResource, auditEventsIn, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishedEventRepo } from './adapters/subscription-db.js';
import type { FeedOptions } from './feeds.js';
import { type RunningExchange, startExchange } from './index.js';

const ZJ_AGENCY = agencyCode('zj');
const SH_AGENCY = agencyCode('sh');
const purpose = '危险货物道路运输跨省联合监管';
const validUntil = new Date(Date.now() + 90 * 86400_000).toISOString();

const personal = { personalInfo: true } as const;
/** 危险货物运单: a conditional feed with personal items; route is never granted */
const waybills = aResource('zj', '330000-JTT-00901', {
  provider: { creditCode: ZJ_AGENCY, name: '浙江省交通运输厅' },
  sharingModes: ['interface', 'subscribe'],
  items: [
    aDataItem('waybill_no'),
    aDataItem('carrier_credit_code', { piiKind: 'credit_code' }),
    aDataItem('driver_name', { ...personal, piiKind: 'name' }),
    aDataItem('driver_phone', { ...personal, piiKind: 'phone' }),
    aDataItem('route'),
  ],
  keyItems: ['waybill_no'],
});
const grantedItems = ['waybill_no', 'carrier_credit_code', 'driver_name', 'driver_phone'];
/** 传染病报告: a feed of sensitive personal information (ID numbers) */
const cases = aResource('zj', '330000-WJW-00901', {
  provider: { creditCode: ZJ_AGENCY, name: '浙江省卫生健康委员会' },
  sharingModes: ['subscribe'],
  items: [
    aDataItem('case_no'),
    aDataItem('id_number', { personalInfo: true, sensitivePersonalInfo: true, piiKind: 'id_number' }),
    aDataItem('district'),
  ],
  keyItems: ['case_no'],
});
/** shared unconditionally, but only by interface: no feed */
const queryOnly = aResource('zj', '330000-JTT-00902', {
  provider: { creditCode: ZJ_AGENCY, name: '浙江省交通运输厅' },
  sharingTier: 'unconditional',
  sharingModes: ['interface'],
});

const users = {
  shRequester: aPrincipal({ province: 'sh', sub: 'sh-u1', agency: SH_AGENCY }),
  shOtherAgency: aPrincipal({ province: 'sh', sub: 'sh-u2', agency: agencyCode('sh', 2) }),
  zjPublisher: aPrincipal({ province: 'zj', sub: 'zj-pub', agency: ZJ_AGENCY, roles: ['publisher'] }),
  zjOtherPublisher: aPrincipal({ province: 'zj', sub: 'zj-pub2', agency: agencyCode('zj', 2), roles: ['publisher'] }),
  zjReviewer: aPrincipal({ province: 'zj', sub: 'zj-r1', agency: ZJ_AGENCY, roles: ['reviewer'] }),
};

/** Short waits for a test; the decision cache is long on purpose, so only a heard revocation can stop it. */
const feedOptions: FeedOptions = {
  idleWaitMs: 1000,
  decisionTtlMs: 60_000,
  recheckMs: 60_000,
  retryMinMs: 50,
  retryMaxMs: 300,
  deliverTimeoutMs: 1500,
  providerTimeoutMs: 3000,
};

const waybill = (n: number) => ({
  id: `wb-${n}`,
  fields: {
    waybill_no: `WB2026${String(n).padStart(6, '0')}`,
    carrier_credit_code: '91330106MA2H7K3L1X',
    driver_name: '周明远',
    driver_phone: '13812345678',
    route: '杭州—上海',
  },
});

async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface EventsPage {
  status: string;
  events: { cursor: string; id: string; fields: Record<string, string> }[];
  next: string;
}

describe('subscriptions between 上海 (requester) and 浙江 (provider)', () => {
  let tb: Testbed;
  let catalog: RunningCatalog;
  let consent: RunningConsent;
  let zj: RunningExchange | undefined;
  let sh: RunningExchange | undefined;
  const db = {} as Record<'zj' | 'sh', DatabaseHandle>;
  const nc = {} as Record<'zj' | 'sh', NatsConnection>;
  let clockOffsetMs = 0;
  /** made in beforeAll: with subscribe, without it, sensitive items without and with a legal duty */
  const grants = { subscribe: '', queryOnly: '', noDuty: '', duty: '' };

  const zjExchange = () => {
    if (!zj) throw new Error('浙江 exchange is not running');
    return zj;
  };
  const shExchange = () => {
    if (!sh) throw new Error('上海 exchange is not running');
    return sh;
  };

  /** starts (or starts again) a province's exchange on its own database, with a new connection */
  const startZj = async () => {
    const deps = await tb.deps('zj', {
      db: db.zj,
      grpcAddress: { consent: `127.0.0.1:${consent.grpcPort}`, catalog: `127.0.0.1:${catalog.grpcPort}` },
      clock: () => new Date(Date.now() + clockOffsetMs),
    });
    zj = await startExchange(deps, { feeds: feedOptions });
  };
  const startSh = async () => {
    const deps = await tb.deps('sh', { db: db.sh, grpcAddress: { consent: '127.0.0.1:1', catalog: '127.0.0.1:1' } });
    sh = await startExchange(deps, { feeds: feedOptions });
  };

  const asSh = (who: Principal, method: string, path: string, body?: unknown) =>
    tb.http(shExchange().httpUrl, who, method, path, body);
  const subscribe = (body: Record<string, unknown>, who: Principal = users.shRequester) =>
    asSh(who, 'POST', '/api/exchange/v1/subscriptions', body);
  const publish = (resourceId: string, events: unknown[], who: Principal = users.zjPublisher) =>
    tb.http(zjExchange().httpUrl, who, 'POST', `/api/exchange/v1/feeds/${resourceId}/events`, { events });
  const eventsOf = async (id: string, after = '0') =>
    (await asSh(users.shRequester, 'GET', `/api/exchange/v1/subscriptions/${id}/events?after=${after}&limit=1000`))
      .body as EventsPage;
  const statusOf = async (id: string) =>
    (await asSh(users.shRequester, 'GET', `/api/exchange/v1/subscriptions/${id}`)).body;
  /** waits until the subscription holds `n` events at 上海 */
  const received = (id: string, n: number, ms = 10_000) =>
    eventually(
      async () => {
        const page = await eventsOf(id);
        return page.events.length >= n ? page : undefined;
      },
      ms,
      `${n} events of ${id}`,
    );
  const storedRows = async (id: string) =>
    db.sh.rows<{ event_id: string; n: number }>(sql`
      select event_id, count(*)::int as n from exchange.subscription_events
      where subscription_id = ${id} group by event_id`);

  /** 上海 applies at 浙江, 浙江's reviewer approves: a grant */
  const grantFor = async (resourceId: string, items: string[], modes: ('query' | 'subscribe')[], legalDuty = false) => {
    const app = await consent.app.acceptApplication(users.shRequester, {
      resourceId,
      purpose,
      legalBasis: '《危险化学品安全管理条例》',
      items,
      validUntil,
      modes,
    });
    const decided = await consent.app.decideApplication(users.zjReviewer, app.id, {
      decision: 'approve',
      reason: '',
      legalDuty,
    });
    const id = decided.grant?.id;
    if (!id) throw new Error('no grant');
    return id;
  };

  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    initTelemetry({ serviceName: 'subscribe-test', exporter: spans });
    tb = await createTestbed();
    for (const p of ['zj', 'sh'] as const) {
      db[p] = await openDatabase();
      const h = db[p];
      tb.defer(() => h.close());
    }
    nc.zj = await tb.connect('zj');
    nc.sh = await tb.connect('sh');
    catalog = await tb.started(
      startCatalog(await tb.deps('zj'), {
        agencies: { nameOf: () => '浙江省某厅' },
        seed: [waybills, cases, queryOnly],
        resyncMs: 600_000,
      }),
    );
    consent = await tb.started(
      startConsent(await tb.deps('zj', { grpcAddress: { catalog: `127.0.0.1:${catalog.grpcPort}` } }), {
        trust: tb.trust,
      }),
    );
    await startZj();
    await startSh();
    tb.defer(async () => {
      await sh?.stop();
      await zj?.stop();
    });
    grants.subscribe = await grantFor(waybills.id, grantedItems, ['query', 'subscribe']);
    grants.queryOnly = await grantFor(waybills.id, grantedItems, ['query']);
    grants.noDuty = await grantFor(cases.id, ['case_no', 'id_number', 'district'], ['subscribe']);
    grants.duty = await grantFor(cases.id, ['case_no', 'id_number', 'district'], ['subscribe'], true);
  });

  afterAll(() => tb?.close());

  it('delivers the events published after subscribing, granted items only and masked, each once, audited on both sides', async () => {
    // published before the subscription: not its to receive
    expect((await publish(waybills.id, [waybill(0)])).status).toBe(202);

    const res = await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe });
    expect(res.status).toBe(201);
    const id = String(res.body.id);
    expect(id).toMatch(/^sh-sub-/);
    expect(res.body).toMatchObject({ status: 'active', provider: 'zj', grantId: grants.subscribe });
    expect([...res.body.items].sort()).toEqual([...grantedItems].sort());
    expect(res.body.masking).toMatchObject({ driver_name: 'name', driver_phone: 'phone' });

    const published = await publish(waybills.id, [1, 2, 3, 4, 5].map(waybill));
    expect(published.status).toBe(202);
    expect(published.body).toMatchObject({ accepted: 5, duplicates: 0 });

    const page = await received(id, 5);
    expect(page.events.map((e) => e.id)).toEqual(['wb-1', 'wb-2', 'wb-3', 'wb-4', 'wb-5']);
    expect(page.events[0]?.fields).toEqual({
      waybill_no: 'WB2026000001',
      carrier_credit_code: '91330106MA2H7K3L1X',
      driver_name: '周**',
      driver_phone: '138****5678',
    });
    // the cursor pages on from the last event read
    const rest = await eventsOf(id, page.events[2]?.cursor);
    expect(rest.events.map((e) => e.id)).toEqual(['wb-4', 'wb-5']);
    expect(rest.next).toBe(page.events[4]?.cursor);

    const zjEv = (await auditEventsIn(nc.zj, 'zj')).events.filter((e) => e.requestId === id);
    const shEv = (await auditEventsIn(nc.sh, 'sh')).events.filter((e) => e.requestId === id);
    expect(zjEv.find((e) => e.kind === 'exchange.subscribe.created')).toMatchObject({
      outcome: 'allow',
      requesterProvince: 'sh',
      actorUser: 'sh-u1',
      actorAgency: SH_AGENCY,
      grantId: grants.subscribe,
    });
    expect(shEv.find((e) => e.kind === 'exchange.subscribe.requested')).toMatchObject({ outcome: 'allow' });
    const delivered = zjEv.filter((e) => e.kind === 'exchange.subscribe.delivered');
    const receivedEv = shEv.filter((e) => e.kind === 'exchange.subscribe.received');
    expect(delivered.length).toBeGreaterThan(0);
    // both sides hashed the same batches
    expect(receivedEv.map((e) => e.payloadHash).sort()).toEqual(delivered.map((e) => e.payloadHash).sort());
    const all = JSON.stringify([...zjEv, ...shEv]);
    for (const secret of ['周明远', '13812345678', 'WB2026000001', '杭州—上海']) expect(all).not.toContain(secret);
  });

  it('events published in several calls at once arrive each once, in stream order, batch after batch, every batch on record at both sides', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    const calls = [0, 1, 2].map((c) => Array.from({ length: 400 }, (_, i) => waybill(1000 + c * 400 + i)));
    const streamMessages = async () =>
      (await (await jetstreamManager(nc.zj)).streams.info(feedStream('zj'))).state.messages;
    const before = await streamMessages();
    const answers = await Promise.all(calls.map((events) => publish(waybills.id, events)));
    for (const a of answers) expect(a.body).toMatchObject({ accepted: 400, duplicates: 0 });
    // a publish call is one message in 浙江's feed stream, not one per event
    expect((await streamMessages()) - before).toBe(3);

    const rows = await eventually(
      async () => {
        const r = await db.sh.rows<{ event_id: string; provider_seq: string | number }>(sql`
          select event_id, provider_seq from exchange.subscription_events where subscription_id = ${id} order by seq`);
        return r.length >= 1200 ? r : undefined;
      },
      15_000,
      '1200 events at 上海',
    );
    expect(rows).toHaveLength(1200);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(1200);
    // read in the order the provider's stream holds them, although batches travel while others settle
    const seqs = rows.map((r) => Number(r.provider_seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // more than one batch (1000 events at most), each on record at both sides, with the same hash
    const records = await eventually(
      async () => {
        const zjEv = (await auditEventsIn(nc.zj, 'zj')).events.filter(
          (e) => e.requestId === id && e.kind === 'exchange.subscribe.delivered',
        );
        const shEv = (await auditEventsIn(nc.sh, 'sh')).events.filter(
          (e) => e.requestId === id && e.kind === 'exchange.subscribe.received',
        );
        return zjEv.length >= 2 && zjEv.length === shEv.length ? { zjEv, shEv } : undefined;
      },
      10_000,
      'the records of every batch',
    );
    expect(records.shEv.map((e) => e.payloadHash).sort()).toEqual(records.zjEv.map((e) => e.payloadHash).sort());
  });

  it('the publisher’s trace goes on through the feed stream to the delivery, the requester and both audit trails', async () => {
    const res = await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe });
    expect(res.status).toBe(201);
    const id = String(res.body.id);
    const traceId = `${'f'.repeat(31)}1`;
    const published = await tb.http(
      zjExchange().httpUrl,
      users.zjPublisher,
      'POST',
      `/api/exchange/v1/feeds/${waybills.id}/events`,
      { events: [waybill(90)] },
      { traceparent: `00-${traceId}-${'a'.repeat(15)}1-01` },
    );
    expect(published.status).toBe(202);
    await received(id, 1);

    // every subscription to the resource delivers the event, each in this trace: follow this one's
    const chain = () => {
      const inTrace = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const child = (parent: ReadableSpan | undefined, name: string) =>
        inTrace.find((s) => s.name === name && s.parentSpanContext?.spanId === parent?.spanContext().spanId);
      // 浙江's delivery of this subscription is a consumer span under the send of the event it carries
      const delivery = inTrace.find(
        (s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.consumer.group.name'] === id,
      );
      const send = inTrace.find((s) => s.spanContext().spanId === delivery?.parentSpanContext?.spanId);
      // under it: the lane into 上海, 上海 taking the batch in, and the records both sides send to their trails
      const lane = child(delivery, 'nats request xchg.sh.from.zj.exchange.deliver');
      const taken = child(lane, 'nats xchg.sh.from.zj.exchange.deliver');
      const shRecord = child(taken, 'send audit.sh.exchange.subscribe.received');
      const zjRecord = child(delivery, 'send audit.zj.exchange.subscribe.delivered');
      return shRecord && zjRecord ? { delivery, send, lane, taken, shRecord, zjRecord } : undefined;
    };
    const { delivery, send, lane, taken, shRecord, zjRecord } = await eventually(
      async () => chain(),
      10_000,
      'the delivery chain in the publisher’s trace',
    );
    expect(delivery?.name).toMatch(/^process feed\.zj\./);
    expect(delivery?.attributes['messaging.batch.message_count']).toBe(1);
    expect({ name: send?.name, kind: send?.kind }).toEqual({
      name: delivery?.name.replace(/^process/, 'send'),
      kind: SpanKind.PRODUCER,
    });
    expect(delivery?.links.map((l) => l.context.spanId)).toEqual([send?.spanContext().spanId]);
    expect([lane?.kind, taken?.kind, shRecord.kind, zjRecord.kind]).toEqual([
      SpanKind.CLIENT,
      SpanKind.SERVER,
      SpanKind.PRODUCER,
      SpanKind.PRODUCER,
    ]);
  });

  it('refuses a subscription without a grant, under a grant without subscribe, of a resource not offered by subscription, and of sensitive data without a legal duty', async () => {
    const cases_ = [
      [{ resourceId: waybills.id, purpose }, 'CONSENT.NO_GRANT', 'R-GRANT-REQUIRED'],
      [{ resourceId: waybills.id, purpose, grantId: grants.queryOnly }, 'CONSENT.MODE_NOT_GRANTED', 'R-GRANT-REQUIRED'],
      [{ resourceId: queryOnly.id, purpose }, 'CONSENT.MODE_NOT_ALLOWED', 'R-MODE'],
      [{ resourceId: cases.id, purpose, grantId: grants.noDuty }, 'CONSENT.LEGAL_DUTY_REQUIRED', 'R-SENSITIVE-CONSENT'],
    ] as const;
    for (const [body, code, ruleId] of cases_) {
      const res = await subscribe(body);
      expect(res.status, code).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
      expect(res.body.reasons).toContainEqual(expect.objectContaining({ ruleId, code }));
    }
    // nothing was left behind on either side
    const mine = (await asSh(users.shRequester, 'GET', '/api/exchange/v1/subscriptions')).body.items as {
      resourceId: string;
      status: string;
    }[];
    expect(mine.every((s) => s.status === 'active' && s.resourceId === waybills.id)).toBe(true);
    const providerRows = await db.zj.rows<{ n: number }>(
      sql`select count(*)::int as n from exchange.subscriptions where side = 'provider' and resource_id <> ${waybills.id}`,
    );
    expect(providerRows[0]?.n).toBe(0);
    const denied = (await auditEventsIn(nc.zj, 'zj')).events.filter(
      (e) => e.kind === 'exchange.subscribe.created' && e.outcome === 'deny',
    );
    expect(denied.map((e) => e.code)).toEqual(expect.arrayContaining(cases_.map(([, code]) => code)));
  });

  it('a legal-duty grant carries a feed of sensitive data, ID numbers masked', async () => {
    const res = await subscribe({ resourceId: cases.id, purpose, grantId: grants.duty });
    expect(res.status).toBe(201);
    expect(res.body.masking).toMatchObject({ id_number: 'id_number' });
    const id = String(res.body.id);
    await publish(cases.id, [
      { id: 'c-1', fields: { case_no: 'C1', id_number: '330106198001011234', district: '西湖区' } },
    ]);
    const page = await received(id, 1);
    expect(page.events[0]?.fields).toEqual({ case_no: 'C1', id_number: '330***********1234', district: '西湖区' });
  });

  it('a revocation in the middle stops delivery at once: nothing published after it arrives, and the subscription ends with CONSENT.GRANT_REVOKED', async () => {
    const grantId = await grantFor(waybills.id, grantedItems, ['subscribe']);
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId })).body.id);
    await publish(waybills.id, [11, 12, 13].map(waybill));
    await received(id, 3);

    const revoked = await tb.http(consent.httpUrl, users.zjReviewer, 'DELETE', `/api/consent/v1/grants/${grantId}`);
    expect(revoked.status).toBe(200);
    const t0 = Date.now();
    // published right after the revocation was answered, with a decision cached for a minute
    await publish(waybills.id, [14, 15, 16].map(waybill));

    const ended = await eventually(
      async () => {
        const s = await statusOf(id);
        return s.status === 'ended' ? s : undefined;
      },
      5000,
      'the end of the subscription at 上海',
    );
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(ended.ended).toMatchObject({ code: 'CONSENT.GRANT_REVOKED' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventsOf(id)).events.map((e) => e.id)).toEqual(['wb-11', 'wb-12', 'wb-13']);

    // the provider ended it too, deleted its consumer, and put the end on record on both sides
    const row = await db.zj.rows<{ status: string; end_code: string; end_pending: boolean }>(
      sql`select status, end_code, end_pending from exchange.subscriptions where side = 'provider' and id = ${id}`,
    );
    expect(row[0]).toEqual({ status: 'ended', end_code: 'CONSENT.GRANT_REVOKED', end_pending: false });
    const jsm = await jetstreamManager(nc.zj);
    await expect(jsm.consumers.info(feedStream('zj'), id)).rejects.toThrow();
    expect(zjExchange().feeds.provider.active()).not.toContain(id);
    const zjEnd = (await auditEventsIn(nc.zj, 'zj')).events.find((e) => e.eventId === `${id}:ended:zj:provider`);
    const shEnd = (await auditEventsIn(nc.sh, 'sh')).events.find((e) => e.eventId === `${id}:ended:sh:requester`);
    expect(zjEnd).toMatchObject({ outcome: 'deny', code: 'CONSENT.GRANT_REVOKED', grantId });
    expect(shEnd).toMatchObject({ outcome: 'deny', code: 'CONSENT.GRANT_REVOKED' });
  });

  it('the requester’s exchange stopped while events are published: after its restart each event arrives exactly once', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    await publish(waybills.id, [21, 22].map(waybill));
    await received(id, 2);

    await shExchange().stop();
    sh = undefined;
    await publish(waybills.id, [23, 24, 25, 26, 27, 28].map(waybill));
    // 浙江 keeps trying meanwhile; nothing is acknowledged that 上海 did not store
    await new Promise((r) => setTimeout(r, 800));
    await startSh();

    const page = await received(id, 8);
    expect(page.events.map((e) => e.id)).toEqual([21, 22, 23, 24, 25, 26, 27, 28].map((n) => `wb-${n}`));
    const rows = await storedRows(id);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('a retry is known by its event ids, however long after; an event whose record was lost (a crash after the stream took it) is published again and still stored once', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    expect((await publish(waybills.id, [70, 71].map(waybill))).body).toMatchObject({ accepted: 2, duplicates: 0 });
    await received(id, 2);
    // a retry in another call: the stream's own duplicate window (2 min, by message) would not see it
    expect((await publish(waybills.id, [71, 70].map(waybill))).body).toMatchObject({ accepted: 0, duplicates: 2 });
    // the provider stopped after the stream took wb-72 and before it recorded it
    expect((await publish(waybills.id, [72].map(waybill))).body).toMatchObject({ accepted: 1 });
    await db.zj.db.execute(sql`delete from exchange.feed_published where event_key = ${`${waybills.id}/wb-72`}`);
    const retry = await publish(waybills.id, [70, 72, 73].map(waybill));
    expect(retry.body).toMatchObject({ accepted: 2, duplicates: 1 });
    const page = await received(id, 4);
    await new Promise((r) => setTimeout(r, 300));
    expect((await eventsOf(id)).events.map((e) => e.id)).toEqual(['wb-70', 'wb-71', 'wb-72', 'wb-73']);
    const rows = await storedRows(id);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(page.events).toHaveLength(4);

    // ids are kept as long as the stream keeps events (7 days here), then forgotten
    const ids = ['wb-70', 'wb-71', 'wb-72', 'wb-73'];
    const repo = new PublishedEventRepo(db.zj, 7);
    expect((await repo.known(waybills.id, ids)).size).toBe(4);
    // another resource's events are its own: the same ids are not known there
    expect((await repo.known(queryOnly.id, ids)).size).toBe(0);
    expect(await repo.prune(new Date(Date.now() + 6 * 86_400_000))).toBe(0);
    expect(await repo.prune(new Date(Date.now() + 8 * 86_400_000))).toBeGreaterThanOrEqual(4);
    expect((await repo.known(waybills.id, ids)).size).toBe(0);

    // the table is analyzed as it grows (PGlite has no autovacuum): lookups stay probes of its key
    const many = Array.from({ length: 600 }, (_, i) => `bulk-${i}`);
    expect((await repo.record(waybills.id, many, new Date().toISOString())).size).toBe(600);
    await eventually(async () => {
      const [r] = await db.zj.rows<{ n: number | string }>(sql`
        select reltuples::bigint as n from pg_class where oid = 'exchange.feed_published'::regclass`);
      return Number(r?.n) >= 600 ? true : undefined;
    });
  });

  it('the provider’s exchange stopped and started again: its durable consumer resumes, nothing lost, nothing repeated', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    await publish(waybills.id, [31, 32].map(waybill));
    await received(id, 2);

    // 上海 away, so 浙江 holds undelivered events in hand when it stops
    await shExchange().stop();
    sh = undefined;
    await publish(waybills.id, [33, 34, 35, 36].map(waybill));
    await new Promise((r) => setTimeout(r, 500));
    await zjExchange().stop();
    zj = undefined;
    await startSh();
    await startZj();
    expect(zjExchange().feeds.provider.active()).toContain(id);
    await publish(waybills.id, [37, 38].map(waybill));

    const page = await received(id, 8);
    expect(page.events.map((e) => e.id).sort()).toEqual([31, 32, 33, 34, 35, 36, 37, 38].map((n) => `wb-${n}`).sort());
    await new Promise((r) => setTimeout(r, 500));
    const rows = await storedRows(id);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('a batch delivered again is stored once; another province cannot deliver into a subscription to 浙江', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    await publish(waybills.id, [41].map(waybill));
    const [first] = (await received(id, 1)).events;
    const again: feedV1.DeliverBatch = {
      subscriptionId: id,
      batchId: 'replayed',
      events: [{ eventId: first?.id ?? '', providerSeq: 1, fields: first?.fields ?? {}, publishedAt: '' }],
      items: grantedItems,
      masking: {},
      grantId: grants.subscribe,
    };
    const bytes = feedV1.DeliverBatch.encode(again).finish();
    const opts = { timeoutMs: 3000, unavailableCode: 'TEST.UNAVAILABLE' };
    // 浙江's own lane into 上海: a redelivery, acknowledged and not stored again
    const ack = feedV1.DeliverAck.decode(
      await request(nc.zj, subjects.lane('sh', 'zj', 'exchange', 'deliver'), bytes, opts),
    );
    expect(ack).toMatchObject({ stored: 0, duplicates: 1 });
    expect((await eventsOf(id)).events).toHaveLength(1);
    // 安徽's lane into 上海, naming 上海's subscription to 浙江
    const ah = await tb.connect('ah');
    await expect(request(ah, subjects.lane('sh', 'ah', 'exchange', 'deliver'), bytes, opts)).rejects.toMatchObject({
      code: 'EXCHANGE.SUBSCRIPTION_UNKNOWN',
    });
    // 上海 naming a subscription id of 浙江's own making on its lane into 浙江
    await expect(
      request(
        nc.sh,
        subjects.lane('zj', 'sh', 'exchange', 'subscribe'),
        feedV1.SubscribeRequest.encode({
          subscriptionId: 'zj-sub-0b6f3c52-8d1e-4b7a-9c2f-3e5d6a7b8c9d',
          resourceId: waybills.id,
          purpose,
          grantId: grants.subscribe,
          items: [],
          requesterToken: '',
        }).finish(),
        opts,
      ),
    ).rejects.toMatchObject({ code: 'EXCHANGE.MALFORMED_REQUEST' });
  });

  it('the subscribing agency cancels: the provider stops, later events do not arrive', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    // another agency cannot see the subscription, so it is not there for it (issue 10 §2)
    const other = await asSh(users.shOtherAgency, 'DELETE', `/api/exchange/v1/subscriptions/${id}`);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('EXCHANGE.SUBSCRIPTION_NOT_FOUND');

    const res = await asSh(users.shRequester, 'DELETE', `/api/exchange/v1/subscriptions/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ended', ended: { code: 'EXCHANGE.SUBSCRIPTION_CANCELLED' } });
    expect(zjExchange().feeds.provider.active()).not.toContain(id);
    await publish(waybills.id, [51].map(waybill));
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventsOf(id)).events).toHaveLength(0);
    expect(
      (await auditEventsIn(nc.zj, 'zj')).events.find((e) => e.eventId === `${id}:ended:zj:provider`),
    ).toMatchObject({
      outcome: 'ok',
      code: 'EXCHANGE.SUBSCRIPTION_CANCELLED',
    });
  });

  it('only the providing agency publishes, events of items its entry has, into a feed the entry offers', async () => {
    const other = await publish(waybills.id, [waybill(60)], users.zjOtherPublisher);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('EXCHANGE.NOT_YOUR_RESOURCE');
    const requester = await tb.http(
      zjExchange().httpUrl,
      users.shRequester,
      'POST',
      `/api/exchange/v1/feeds/${waybills.id}/events`,
      {
        events: [waybill(60)],
      },
    );
    expect(requester.status).toBe(403);
    expect(requester.body.code).toBe('AUTH.ROLE_REQUIRED');
    const cases_ = [
      [waybills.id, [{ id: 'x', fields: { weather: '晴' } }], 400, 'EXCHANGE.UNKNOWN_ITEM'],
      [waybills.id, [{ id: 'bad id!', fields: { route: 'a' } }], 400, 'EXCHANGE.BAD_EVENT_ID'],
      [waybills.id, [waybill(61), waybill(61)], 400, 'EXCHANGE.DUPLICATE_EVENT_ID'],
      [waybills.id, [], 400, 'REQUEST.INVALID'],
      [waybills.id, [{ id: 'x', fields: {} }], 400, 'REQUEST.INVALID'],
      [queryOnly.id, [{ id: 'x', fields: { company_name: 'a' } }], 409, 'EXCHANGE.FEED_NOT_OFFERED'],
      ['sh.310000-JTW-00002', [{ id: 'x', fields: { station: 'a' } }], 404, 'EXCHANGE.RESOURCE_NOT_FOUND'],
      ['zj.330000-NONE-00001', [{ id: 'x', fields: { a: 'b' } }], 404, 'EXCHANGE.RESOURCE_NOT_FOUND'],
    ] as const;
    for (const [resourceId, events, status, code] of cases_) {
      const res = await publish(resourceId, [...events]);
      expect(res.status, code).toBe(status);
      expect(res.body.code).toBe(code);
    }
    // a publisher's retry adds nothing
    const first = await publish(waybills.id, [waybill(62), waybill(63)]);
    const retry = await publish(waybills.id, [waybill(62), waybill(63), waybill(64)]);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(retry.body).toMatchObject({ accepted: 1, duplicates: 2 });
  });

  it('bad subscription requests are 4xx with stable codes', async () => {
    const noPurpose = await subscribe({ resourceId: waybills.id, grantId: grants.subscribe });
    expect(noPurpose.status).toBe(400);
    expect(noPurpose.body.code).toBe('REQUEST.INVALID');
    const unknown = await subscribe({ resourceId: 'xx.1', purpose });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('EXCHANGE.RESOURCE_NOT_FOUND');
    const notARequester = await subscribe({ resourceId: waybills.id, purpose }, users.zjPublisher);
    expect(notARequester.status).toBe(403);
    expect(notARequester.body.code).toBe('AUTH.ROLE_REQUIRED');
    const missing = await statusOf('sh-sub-0b6f3c52-8d1e-4b7a-9c2f-3e5d6a7b8c9d');
    expect(missing.code).toBe('EXCHANGE.SUBSCRIPTION_NOT_FOUND');

    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    const foreign = await asSh(users.shOtherAgency, 'GET', `/api/exchange/v1/subscriptions/${id}/events`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('EXCHANGE.SUBSCRIPTION_NOT_FOUND');
    const badCursor = await asSh(users.shRequester, 'GET', `/api/exchange/v1/subscriptions/${id}/events?after=abc`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('REQUEST.INVALID');

    // and the API describes them
    const api = await asSh(users.shRequester, 'GET', '/api/exchange/v1/openapi.json');
    expect(api.status).toBe(200);
    expect(Object.keys(api.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/exchange/v1/subscriptions',
        '/api/exchange/v1/subscriptions/{id}/events',
        '/api/exchange/v1/feeds/{resourceId}/events',
      ]),
    );
  });

  // last: moving 浙江's clock past the grants' validity ends every subscription under them
  it('a subscription ends when its grant expires, even while no events flow', async () => {
    const id = String((await subscribe({ resourceId: waybills.id, purpose, grantId: grants.subscribe })).body.id);
    clockOffsetMs = 91 * 86400_000;
    await zjExchange().feeds.provider.sweep();
    const ended = await eventually(
      async () => {
        const s = await statusOf(id);
        return s.status === 'ended' ? s : undefined;
      },
      5000,
      'the end at 上海',
    );
    expect(ended.ended).toMatchObject({ code: 'CONSENT.GRANT_EXPIRED' });
  });
});
