import { type AuditSink, auditEvent, type Published } from '@yrd/audit-events';
import type { auditV1 } from '@yrd/proto';
import { metricsRegistry, parseScrape, scrape } from '@yrd/telemetry';
import { describe, expect, it } from 'vitest';
import { countExchanges } from './metrics.js';

class RecordingSink implements AuditSink {
  readonly published: auditV1.AuditEvent[] = [];
  constructor(private readonly fails = false) {}
  async publish(ev: auditV1.AuditEvent): Promise<Published> {
    if (this.fails) throw new Error('stream down');
    this.published.push(ev);
    return { seq: this.published.length, duplicate: false };
  }
}

const step = (kind: string, outcome: string, code = '') =>
  auditEvent({
    eventId: `${kind}:${outcome}:${code}`,
    province: 'sh',
    kind,
    requesterProvince: 'sh',
    providerProvince: 'zj',
    outcome,
    code,
    subjectRef: 'ref-of-a-person',
    resourceId: 'zj.330000-DSJ-00001',
    occurredAt: new Date('2026-01-01T00:00:00Z'),
  });

describe('countExchanges', () => {
  it('counts each exchange step by province pair, mode, step and outcome, and refusals by code', async () => {
    const r = metricsRegistry({ province: 'sh', service: 'exchange' });
    const sink = new RecordingSink();
    const audit = countExchanges(r, sink);
    await audit.publish(step('exchange.query.requested', 'allow'));
    await audit.publish(step('exchange.query.requested', 'allow'));
    await audit.publish(step('exchange.query.requested', 'deny', 'CONSENT.NO_GRANT'));
    await audit.publish(step('exchange.verify.served', 'error', 'EXCHANGE.SOURCE_UNAVAILABLE'));
    await audit.publish(step('exchange.source.configured', 'allow'));
    // the records still reach the stream, unchanged
    expect(sink.published.map((e) => e.kind)).toHaveLength(5);

    const text = (await scrape(r)).body;
    const all = parseScrape(text);
    const pair = { requester_province: 'sh', provider_province: 'zj', province: 'sh', service: 'exchange' };
    expect(all).toContainEqual({
      name: 'yrd_exchanges_total',
      labels: { ...pair, mode: 'query', step: 'requested', outcome: 'allow' },
      value: 2,
    });
    expect(all).toContainEqual({
      name: 'yrd_exchanges_total',
      labels: { ...pair, mode: 'verify', step: 'served', outcome: 'error' },
      value: 1,
    });
    expect(all.filter((s) => s.name === 'yrd_exchange_refusals_total').map((s) => [s.labels.code, s.value])).toEqual(
      expect.arrayContaining([
        ['CONSENT.NO_GRANT', 1],
        ['EXCHANGE.SOURCE_UNAVAILABLE', 1],
      ]),
    );
    // not an exchange step, and nothing that names a person or a resource
    expect(all.some((s) => s.labels.mode === 'source')).toBe(false);
    expect(text).not.toContain('ref-of-a-person');
    expect(text).not.toContain('330000-DSJ');
  });

  it('counts a step whose record could not be made, and passes the failure on', async () => {
    const r = metricsRegistry();
    const audit = countExchanges(r, new RecordingSink(true));
    await expect(audit.publish(step('exchange.query.requested', 'deny', 'CONSENT.NO_GRANT'))).rejects.toThrow(
      'stream down',
    );
    expect(parseScrape((await scrape(r)).body)).toContainEqual(
      expect.objectContaining({ name: 'yrd_exchange_refusals_total', value: 1 }),
    );
  });
});
