/**
 * For the audit service's integration tests: a synthetic exchange audit event (no person in it), and a
 * wait for what the service does in the background (ingestion, witnessing).
 */
import type { auditV1 } from '@yrd/proto';

/** 上海's record of serving a query to 浙江, the i-th of a run; `prefix` keeps event ids apart. */
export function anExchangeEvent(i: number, over: Partial<auditV1.AuditEvent> = {}, prefix = 'ev'): auditV1.AuditEvent {
  return {
    eventId: `${prefix}-${i}`,
    province: 'sh',
    kind: 'exchange.query.served',
    requestId: `${prefix}-req-${i}`,
    resourceId: 'zj.330000-SCJG-0001',
    actorUser: 'sh-requester',
    actorAgency: '91310000MA1FL0000X',
    requesterProvince: 'sh',
    providerProvince: 'zj',
    outcome: 'allow',
    code: '',
    payloadHash: 'c'.repeat(64),
    subjectRef: '',
    grantId: `grant-${i}`,
    consentId: '',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 8, 0, 0) + i * 1000).toISOString(),
    subjectRefKeyId: '',
    items: ['name'],
    ...over,
  };
}

/** Polls `check` every 50 ms until it gives a value; fails naming `what` after `ms`. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
