/**
 * The trace of whatever published an audit event goes on through JetStream into its append: each
 * event's append is a CONSUMER span under the send span its publisher wrote into the headers.
 */
import type { NatsConnection } from '@yrd/nats';
import type { auditV1 } from '@yrd/proto';
import {
  InMemorySpanExporter,
  initTelemetry,
  type ReadableSpan,
  SpanKind,
  SpanStatusCode,
  withSpan,
} from '@yrd/telemetry';
import { createTestbed, type Testbed } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPublisher, startAudit } from './index.js';

const event = (id: string): auditV1.AuditEvent => ({
  eventId: id,
  province: 'sh',
  kind: 'exchange.query.served',
  requestId: `req-${id}`,
  resourceId: 'zj.330000-SCJG-0001',
  actorUser: 'sh-requester',
  actorAgency: '91310000MA1FL0000X',
  requesterProvince: 'sh',
  providerProvince: 'zj',
  outcome: 'ok',
  code: '',
  payloadHash: 'a'.repeat(64),
  subjectRef: '',
  grantId: 'grant-1',
  consentId: '',
  occurredAt: '2025-01-01T08:00:00.000Z',
  subjectRefKeyId: '',
  items: ['name'],
});

const subject = 'audit.sh.exchange.query.served';

describe('audit ingestion continues the publisher’s trace', () => {
  const spans = new InMemorySpanExporter();
  let tb: Testbed;
  let nc: NatsConnection;
  let pub: AuditPublisher;

  beforeAll(async () => {
    initTelemetry({ serviceName: 'audit-trace-test', exporter: spans });
    tb = await createTestbed();
    const deps = await tb.deps('sh');
    nc = deps.nc;
    await tb.started(startAudit(deps, { headEvery: 1 }));
    pub = new AuditPublisher(nc, 'sh');
    await pub.ensure();
  });

  afterAll(() => tb?.close());

  /** the append span of each trace, once there is one for every trace */
  async function appendsOf(traceIds: string[]): Promise<Map<string, ReadableSpan>> {
    for (let t = 0; t < 100; t++) {
      const found = new Map<string, ReadableSpan>();
      for (const s of spans.getFinishedSpans()) {
        if (s.name === `process ${subject}` && traceIds.includes(s.spanContext().traceId)) {
          found.set(s.spanContext().traceId, s);
        }
      }
      if (found.size === traceIds.length) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no append span for every trace');
  }

  const byId = (id: string | undefined) => spans.getFinishedSpans().find((s) => s.spanContext().spanId === id);

  it('an event published in a request is appended in a consumer span under its send, in that trace', async () => {
    const request = await withSpan('POST /api/exchange/v1/queries', { kind: SpanKind.SERVER }, async (span) => {
      await pub.publish(event('one'));
      return span.spanContext();
    });
    const append = (await appendsOf([request.traceId])).get(request.traceId);
    expect(append?.kind).toBe(SpanKind.CONSUMER);
    expect(append?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': subject,
      'messaging.consumer.group.name': 'audit-log',
    });
    const send = byId(append?.parentSpanContext?.spanId);
    expect({ name: send?.name, kind: send?.kind }).toEqual({ name: `send ${subject}`, kind: SpanKind.PRODUCER });
    expect(send?.parentSpanContext?.spanId).toBe(request.spanId);
    // the event went into the log: nothing failed
    expect(append?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('events appended in one batch each stay in their own trace', async () => {
    const requests = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withSpan(`request ${i}`, { kind: SpanKind.SERVER }, async (span) => {
          await pub.publish(event(`many-${i}`));
          return span.spanContext();
        }),
      ),
    );
    const appends = await appendsOf(requests.map((r) => r.traceId));
    for (const r of requests) {
      const send = byId(appends.get(r.traceId)?.parentSpanContext?.spanId);
      expect(send?.name).toBe(`send ${subject}`);
      expect(send?.parentSpanContext?.spanId).toBe(r.spanId);
    }
  });
});
