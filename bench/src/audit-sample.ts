/**
 * Synthetic audit events of a busy province, shared by the audit benches: exchange queries served and
 * requested, verifications, subscriptions, consent decisions; UUID request ids, resource ids, credit
 * codes, 64-hex payload hashes and subject references; no personal data. Deterministic in (province, i).
 */
import { createHash } from 'node:crypto';
import { auditEvent } from '@yrd/audit-events';
import type { auditV1 } from '@yrd/proto';
import { makeCreditCode, type Province, provinceInfo, provinces } from '@yrd/region';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A UUID-shaped request id that event i's seq can be found by again. */
export function requestIdOf(home: Province, i: number): string {
  const h = sha256(`bench-request-${home}-${i}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Side = 'provider' | 'requester' | 'consent';
/** the mix of a busy province's log: mostly data served to and asked of the others */
const shapes: { kind: string; side: Side; items: string[] }[] = [
  ...Array.from({ length: 8 }, () => ({
    kind: 'exchange.query.served',
    side: 'provider' as const,
    items: ['record_no', 'holder_name', 'status'],
  })),
  ...Array.from({ length: 6 }, () => ({
    kind: 'exchange.query.requested',
    side: 'requester' as const,
    items: ['record_no', 'status'],
  })),
  { kind: 'exchange.verify.served', side: 'provider', items: ['holder_name', 'valid_until'] },
  { kind: 'exchange.verify.requested', side: 'requester', items: ['holder_name', 'valid_until'] },
  { kind: 'exchange.subscribe.received', side: 'requester', items: ['visitor_count', 'area_code'] },
  { kind: 'exchange.feed.published', side: 'provider', items: ['visitor_count', 'area_code'] },
  { kind: 'consent.application.approved', side: 'consent', items: [] },
  { kind: 'consent.consent.created', side: 'consent', items: [] },
];
const topics = ['SCJG', 'RSSB', 'GAHJ', 'JTYS', 'WLKL', 'YBJS', 'ZJGJ'];
const agencies = Object.fromEntries(
  provinces.map((p) => [
    p,
    Array.from({ length: 400 }, (_, n) =>
      makeCreditCode('11', provinceInfo[p].adminCode, `00${String(n + 1).padStart(6, '0')}X`),
    ),
  ]),
) as Record<Province, string[]>;
const epoch = Date.UTC(2026, 0, 5, 0, 0, 0);

/** Event i of province `home`'s log: deterministic, so a sampled seq's request id is known. */
export function event(home: Province, i: number): auditV1.AuditEvent {
  const shape = shapes[i % shapes.length]!;
  const others = provinces.filter((p) => p !== home);
  const other = others[i % others.length]!;
  const requester = shape.side === 'provider' ? other : home;
  const provider = shape.side === 'provider' ? home : other;
  const requestId = requestIdOf(home, i);
  const denied = i % 37 === 0;
  return auditEvent({
    eventId: `${requestId}:${home}:${shape.side}`,
    province: home,
    kind: shape.kind,
    requestId,
    resourceId: `${provider}.${provinceInfo[provider].adminCode}-${topics[i % topics.length]}-${String(i % 5_000).padStart(5, '0')}`,
    actorUser: `${requester}-user-${i % 800}`,
    actorAgency: agencies[requester][i % 400]!,
    requesterProvince: requester,
    providerProvince: provider,
    outcome: denied ? 'deny' : 'ok',
    code: denied ? 'CONSENT.NO_GRANT' : '',
    payloadHash: sha256(`payload-${home}-${i}`),
    subjectRef: i % 3 === 0 ? sha256(`subject-${i % 50_000}`) : '',
    grantId: shape.side === 'consent' ? '' : `grant-${provider}-${i % 1_000}`,
    consentId: shape.side === 'consent' || i % 5 === 0 ? `consent-${i % 20_000}` : '',
    // one event every 30 ms: a million is about eight hours of a busy province
    occurredAt: new Date(epoch + i * 30).toISOString(),
    items: shape.items,
  });
}
