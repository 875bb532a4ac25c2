/**
 * What the exchange benches set up before they measure, through the HTTP API as a user would:
 * 上海's requester gets a grant for 浙江's venue bookings (applied for, then approved by 浙江's
 * reviewer), with a rate far above what a bench sends.
 */
import { until } from './processes.js';

export const booking = 'zj.330000-DSJ-00001';
export const purpose = '长三角场馆客流与公共安全保障';
export const items = ['booking_no', 'venue', 'person_name', 'phone', 'visit_date'];

/** A JSON call that fails loudly on a non-2xx answer; the body and its size in bytes. */
export async function json(url: string, method: string, body?: unknown, token?: string) {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url} → ${r.status} ${text}`);
  return { body: JSON.parse(text) as Record<string, unknown>, bytes: Buffer.byteLength(text) };
}

/** 上海's requester token and a grant to query (and verify, when asked) 浙江's bookings. */
export async function bookingGrant(
  sh: string,
  zj: string,
  modes: ('query' | 'verify')[],
): Promise<{ requester: string; grantId: string }> {
  const token = async (url: string, user: string) =>
    String((await json(`${url}/api/auth/v1/dev-token`, 'POST', { user })).body.token);
  const requester = await token(sh, 'sh-dsj-requester');
  const reviewer = await token(zj, 'zj-dsjj-reviewer');
  // provinces learn each other's catalogues over NATS: 上海 must see 浙江's entry first
  await until(async () => {
    const r = await fetch(`${sh}/api/catalog/v1/resources/${booking}`, {
      headers: { authorization: `Bearer ${requester}` },
    });
    return r.ok;
  }, '上海 to see 浙江’s entry');
  const app = await json(
    `${sh}/api/consent/v1/applications`,
    'POST',
    {
      resourceId: booking,
      purpose,
      legalBasis: '基准测试',
      items,
      modes,
      validUntil: '2099-12-31T00:00:00Z',
      // the grant's rate limit must not be what the bench measures
      ratePerMinute: 600_000,
    },
    requester,
  );
  const decided = await json(
    `${zj}/api/consent/v1/applications/${String(app.body.id)}/decision`,
    'POST',
    { decision: 'approve', reason: '基准测试' },
    reviewer,
  );
  return { requester, grantId: String((decided.body.grant as { id: string }).id) };
}
