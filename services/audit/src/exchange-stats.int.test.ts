/**
 * The overview's figures from a log of known records: each exchange counted once from the side this
 * province saw, per province pair and hour, refusals by code, nothing outside the window; latency from
 * a scrape of the exchange service.
 */
import { anchorsFrom, type Principal } from '@yrd/auth';
import { agencyCode, aPrincipal, createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditModule, buildAudit } from './index.js';
import { anExchangeEvent } from './test-events.js';

const admin: Principal = aPrincipal({ province: 'sh', sub: 'sh-admin', agency: agencyCode('sh', 9), roles: ['admin'] });
const at = (h: number, m = 0) => new Date(Date.UTC(2026, 0, 1, h, m)).toISOString();

describe('GET /api/audit/v1/stats on a log of known records', () => {
  let tb: Testbed;
  let audit: AuditModule;
  let token: string;

  beforeAll(async () => {
    tb = await createTestbed();
    audit = await buildAudit(await tb.deps('sh', { clock: () => new Date(at(12)) }), {
      trust: anchorsFrom(tb.trust, '2020-01-01T00:00:00.000Z', 0),
      headEvery: 1,
      verifyEveryMs: 0,
    });
    tb.defer(() => audit.http.close());
    let i = 0;
    const add = (over: Parameters<typeof anExchangeEvent>[1]) => audit.log.append(anExchangeEvent(i++, over, 'st'));
    // 上海 asks 浙江: two answered at 08:xx, one refused at 08:xx, one answered at 10:xx
    await add({ kind: 'exchange.query.requested', occurredAt: at(8, 1) });
    await add({ kind: 'exchange.verify.requested', occurredAt: at(8, 2) });
    await add({
      kind: 'exchange.query.requested',
      outcome: 'deny',
      code: 'CONSENT.GRANT_REQUIRED',
      occurredAt: at(8, 3),
    });
    await add({ kind: 'exchange.query.requested', occurredAt: at(10, 30) });
    // 上海 asks 江苏: refused twice (one by the provider's rate limit), one failed
    await add({
      kind: 'exchange.query.requested',
      providerProvince: 'js',
      outcome: 'deny',
      code: 'CONSENT.GRANT_REQUIRED',
      occurredAt: at(9),
    });
    await add({
      kind: 'exchange.query.requested',
      providerProvince: 'js',
      outcome: 'deny',
      code: 'EXCHANGE.RATE_LIMITED',
      occurredAt: at(9, 5),
    });
    await add({
      kind: 'exchange.query.requested',
      providerProvince: 'js',
      outcome: 'error',
      code: 'EXCHANGE.PROVIDER_UNAVAILABLE',
      occurredAt: at(9, 6),
    });
    // 安徽 asks 上海, served here
    await add({ kind: 'exchange.query.served', requesterProvince: 'ah', providerProvince: 'sh', occurredAt: at(11) });
    // within 上海: asked and served, one exchange
    await add({
      kind: 'exchange.query.requested',
      requesterProvince: 'sh',
      providerProvince: 'sh',
      occurredAt: at(11, 5),
    });
    await add({
      kind: 'exchange.query.served',
      requesterProvince: 'sh',
      providerProvince: 'sh',
      occurredAt: at(11, 6),
    });
    // not counted: the provider's record of 上海's own request (another province's side), a feed batch,
    // a data source configured, and one exchange outside the window
    await add({ kind: 'exchange.query.served', requesterProvince: 'sh', providerProvince: 'zj', occurredAt: at(8, 1) });
    await add({ kind: 'exchange.feed.published', providerProvince: 'sh', occurredAt: at(8) });
    await add({ kind: 'exchange.source.configured', occurredAt: at(8) });
    await add({ kind: 'exchange.query.requested', occurredAt: at(5) });
    token = await tb.token(admin);
  });
  afterAll(() => tb?.close());

  const stats = async (q: string) => {
    const res = await audit.http.inject({
      method: 'GET',
      url: `/api/audit/v1/stats?${q}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('counts each exchange once per pair and hour, with the refusals by code', async () => {
    const s = await stats(`from=${at(8)}&to=${at(12)}&bucket=hour`);
    expect(s).toMatchObject({ province: 'sh', bucket: 'hour', from: at(8), to: at(12) });
    expect(s.buckets).toEqual([at(8), at(9), at(10), at(11)]);
    expect(s.totals).toEqual({ exchanges: 9, allowed: 5, refused: 4 });
    expect(s.pairs).toEqual([
      {
        requester: 'sh',
        provider: 'zj',
        total: 4,
        allowed: 3,
        refused: 1,
        series: [3, 0, 1, 0],
        refusedSeries: [1, 0, 0, 0],
      },
      {
        requester: 'sh',
        provider: 'js',
        total: 3,
        allowed: 0,
        refused: 3,
        series: [0, 3, 0, 0],
        refusedSeries: [0, 3, 0, 0],
      },
      {
        requester: 'ah',
        provider: 'sh',
        total: 1,
        allowed: 1,
        refused: 0,
        series: [0, 0, 0, 1],
        refusedSeries: [0, 0, 0, 0],
      },
      {
        requester: 'sh',
        provider: 'sh',
        total: 1,
        allowed: 1,
        refused: 0,
        series: [0, 0, 0, 1],
        refusedSeries: [0, 0, 0, 0],
      },
    ]);
    expect(s.refusals).toEqual([
      { code: 'CONSENT.GRANT_REQUIRED', outcome: 'deny', n: 2 },
      { code: 'EXCHANGE.PROVIDER_UNAVAILABLE', outcome: 'error', n: 1 },
      { code: 'EXCHANGE.RATE_LIMITED', outcome: 'deny', n: 1 },
    ]);
    // built without the exchange's metrics URL: no latency, and it says so
    expect(s.latency).toEqual({ source: 'unavailable', since: 'service-start', operations: [] });
  });

  it('bins by Beijing day, and defaults to the last 24 hours by the hour', async () => {
    const daily = await stats(`from=${at(0)}&to=${at(12)}&bucket=day`);
    // 2026-01-01 08:00 Beijing time started at 00:00 UTC of that day less 8 hours
    expect(daily.buckets).toEqual(['2025-12-31T16:00:00.000Z']);
    expect(daily.totals).toEqual({ exchanges: 10, allowed: 6, refused: 4 });
    const last24 = await stats('');
    expect([last24.from, last24.to, last24.buckets.length]).toEqual([at(-12), at(12), 24]);
    expect(last24.totals.exchanges).toBe(10);
  });
});
