/**
 * Subscriptions (订阅) through the province nodes: a grant applied for and approved over HTTP, the
 * provider agency publishing events at its own node, the subscriber reading them at its own, and
 * the provider's reviewer revoking the grant in the middle of the feed.
 */
import type { Region } from '@yrd/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RegionClient, startSeededRegion } from './client.js';

const waybills = 'ah.340000-JTT-00003'; // 安徽 危险货物道路运输电子运单: conditional, important, subscribe
const visitors = 'js.320000-WL-00001'; // 江苏 景区客流统计: unconditional, subscribe (scenario 5)
const purpose = '危险货物道路运输跨省联合监管';
const items = ['waybill_no', 'carrier_credit_code', 'driver_name', 'goods_name', 'un_number'];

interface Sub {
  id: string;
  status: string;
  items: string[];
  masking: Record<string, string>;
  ended?: { code: string };
  code?: string;
}
interface Page {
  events: { id: string; fields: Record<string, string> }[];
}

const waybill = (n: number) => ({
  id: `e2e-wb-${n}`,
  fields: {
    waybill_no: `AH2026${String(n).padStart(6, '0')}`,
    carrier_credit_code: '91340100MA2N0Q8X1L',
    driver_name: '钱多多',
    goods_name: '汽油',
    un_number: 'UN1203',
    route: '合肥—上海',
  },
});

describe('subscriptions across the region', () => {
  let started: Awaited<ReturnType<typeof startSeededRegion>> | undefined;
  let region: Region;
  let api: RegionClient;

  const eventsAt = async (user: string, id: string) =>
    (await api.as<Page>(user, 'sh', 'GET', `/api/exchange/v1/subscriptions/${id}/events?limit=1000`)).body.events;

  beforeAll(async () => {
    started = await startSeededRegion('subscribe');
    region = started.region;
    api = new RegionClient(region);
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('上海 subscribes to 江苏’s visitor flow without an application (unconditional) and reads what 江苏 publishes', async () => {
    const sub = await api.as<Sub>('sh-dsj-requester', 'sh', 'POST', '/api/exchange/v1/subscriptions', {
      resourceId: visitors,
      purpose: '长三角节假日大客流预警',
    });
    expect(sub.status).toBe(201);
    expect(sub.body.status).toBe('active');
    const published = await api.as('js-wlt-publisher', 'js', 'POST', `/api/exchange/v1/feeds/${visitors}/events`, {
      events: [
        {
          id: 'e2e-flow-1',
          fields: { scenic_area: '拙政园', city: '苏州', visitor_count: 18_500, capacity: 20_000, alert_level: '预警' },
        },
      ],
    });
    expect(published.status).toBe(202);
    const events = await eventually(async () => {
      const e = await eventsAt('sh-dsj-requester', sub.body.id);
      return e.length > 0 ? e : undefined;
    });
    expect(events[0]).toMatchObject({ id: 'e2e-flow-1', fields: { scenic_area: '拙政园', visitor_count: '18500' } });
  });

  it('a feed under a grant stops when the provider revokes the grant in the middle of it', async () => {
    const applied = await api.as<{ id: string }>('sh-jtw-requester', 'sh', 'POST', '/api/consent/v1/applications', {
      resourceId: waybills,
      purpose,
      legalBasis: '《危险货物道路运输安全管理办法》',
      items,
      validUntil: new Date(Date.now() + 30 * 86400_000).toISOString(),
      modes: ['subscribe'],
    });
    expect(applied.status).toBe(201);
    const appId = applied.body.id;
    const first = await api.as('ah-jtt-reviewer', 'ah', 'POST', `/api/consent/v1/applications/${appId}/decision`, {
      decision: 'approve',
    });
    expect(first.status).toBe(200);
    // important data: the data authority gives the second approval
    const second = await api.as<{ grant: { id: string } }>(
      'ah-admin',
      'ah',
      'POST',
      `/api/consent/v1/applications/${appId}/second-approval`,
      { decision: 'approve' },
    );
    expect(second.status).toBe(200);
    const grantId = second.body.grant.id;

    const sub = await api.as<Sub>('sh-jtw-requester', 'sh', 'POST', '/api/exchange/v1/subscriptions', {
      resourceId: waybills,
      purpose,
      grantId,
    });
    expect(sub.status).toBe(201);
    expect(sub.body.masking).toMatchObject({ driver_name: 'name' });
    const id = sub.body.id;

    const publish = (ns: number[]) =>
      api.as('ah-jtt-publisher', 'ah', 'POST', `/api/exchange/v1/feeds/${waybills}/events`, {
        events: ns.map(waybill),
      });
    expect((await publish([1, 2])).status).toBe(202);
    const before = await eventually(async () => {
      const e = await eventsAt('sh-jtw-requester', id);
      return e.length >= 2 ? e : undefined;
    });
    expect(before.map((e) => e.id)).toEqual(['e2e-wb-1', 'e2e-wb-2']);
    // granted items only (no route), the driver's name masked
    expect(before[0]?.fields).toEqual({
      waybill_no: 'AH2026000001',
      carrier_credit_code: '91340100MA2N0Q8X1L',
      driver_name: '钱**',
      goods_name: '汽油',
      un_number: 'UN1203',
    });

    const revoked = await api.as('ah-jtt-reviewer', 'ah', 'DELETE', `/api/consent/v1/grants/${grantId}`);
    expect(revoked.status).toBe(200);
    expect((await publish([3, 4])).status).toBe(202);
    const ended = await eventually(async () => {
      const s = await api.as<Sub>('sh-jtw-requester', 'sh', 'GET', `/api/exchange/v1/subscriptions/${id}`);
      return s.body.status === 'ended' ? s.body : undefined;
    }, 5000);
    expect(ended.ended?.code).toBe('CONSENT.GRANT_REVOKED');
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventsAt('sh-jtw-requester', id)).map((e) => e.id)).toEqual(['e2e-wb-1', 'e2e-wb-2']);

    // another 上海 agency cannot read it: for it the subscription does not exist (issue 10 §2)
    const foreign = await api.as<Sub>('sh-dsj-requester', 'sh', 'GET', `/api/exchange/v1/subscriptions/${id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('EXCHANGE.SUBSCRIPTION_NOT_FOUND');
  });
});
