import type { AuditSink } from '@yrd/audit-events';
import { AppError, conflict, forbidden, rateLimited, unavailable } from '@yrd/errors';
import { createLogger } from '@yrd/logger';
import type { auditV1 } from '@yrd/proto';
import { describe, expect, it } from 'vitest';
import {
  allowEventId,
  outcomeOf,
  type PendingEvent,
  recordRefusal,
  refusalEventId,
  refusalOnRecord,
  type Trail,
} from './trail.js';

const pending: PendingEvent = {
  eventId: 'r2:zj:provider',
  province: 'zj',
  kind: 'exchange.query.served',
  requestId: 'r2',
  subjectRef: 'a'.repeat(64),
};

function sink(fail = false): AuditSink & { events: auditV1.AuditEvent[] } {
  const events: auditV1.AuditEvent[] = [];
  return {
    events,
    async publish(ev) {
      if (fail) throw unavailable('AUDIT.UNAVAILABLE', 'down');
      events.push(ev);
      return { seq: events.length, duplicate: false };
    },
  };
}

describe('the exchange trail’s record ids', () => {
  it('gives every refusal its own id, never an allow’s', async () => {
    const audit = sink();
    const logger = createLogger({ name: 't', level: 'silent' });
    const at = new Date('2026-01-01T00:00:00Z');
    for (const e of [
      rateLimited('EXCHANGE.RATE_LIMITED', 'slow down'),
      conflict('EXCHANGE.REQUEST_IN_PROGRESS', 'busy'),
    ])
      for (let i = 0; i < 3; i++) await recordRefusal(audit, pending, e, at, logger, {}, 'not recorded');
    const ids = audit.events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) expect(id.startsWith('r2:zj:provider:deny:')).toBe(true);
    expect(audit.events.map((e) => e.code)).toEqual([
      ...Array(3).fill('EXCHANGE.RATE_LIMITED'),
      ...Array(3).fill('EXCHANGE.REQUEST_IN_PROGRESS'),
    ]);
    // the same attempt's allow and refusal differ too
    expect(allowEventId(pending.eventId, 'x')).not.toBe(refusalEventId(pending.eventId, 'deny', 'x'));
    expect(allowEventId(pending.eventId, 'x')).not.toBe(refusalEventId(pending.eventId, 'error', 'x'));
  });

  it('tells a refusal from a failure', () => {
    expect(outcomeOf(conflict('X.Y', 'm'))).toBe('deny');
    expect(outcomeOf(unavailable('X.Y', 'm'))).toBe('error');
  });

  it('logs a refusal it cannot record at error level, with its fields but not the subject', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 't' }, { write: (s: string) => void lines.push(s) });
    const e = unavailable('EXCHANGE.BROKER_UNAVAILABLE', 'down');
    await expect(
      recordRefusal(sink(true), pending, e, new Date(), logger, { requestId: 'r2' }, 'not recorded'),
    ).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as { level: number; msg: string; unrecorded: Record<string, unknown> };
    expect(line.level).toBe(50);
    expect(line.msg).toBe('not recorded');
    expect(line.unrecorded).toMatchObject({ requestId: 'r2', outcome: 'error', code: 'EXCHANGE.BROKER_UNAVAILABLE' });
    expect(lines[0]).not.toContain(pending.subjectRef);
  });
});

describe('a step of the exchange and its refusal', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  function trail(fail = false): Trail & { audit: ReturnType<typeof sink>; lines: string[] } {
    const lines: string[] = [];
    const logger = createLogger({ name: 't' }, { write: (s: string) => void lines.push(s) });
    return { audit: sink(fail), logger, clock: () => at, lines };
  }
  const note = { context: { requestId: 'r2' }, unrecorded: 'not recorded' };

  it('records nothing when the step succeeds, and hands back what it gave', async () => {
    const t = trail();
    await expect(refusalOnRecord(t, pending, note, async () => 'reply')).resolves.toBe('reply');
    expect(t.audit.events).toEqual([]);
  });

  it('records a refusal under the attempt, after undoing, and throws it on', async () => {
    const t = trail();
    const order: string[] = [];
    const refused = refusalOnRecord(
      t,
      pending,
      {
        ...note,
        attempt: 'att-1',
        undo: async () => {
          order.push(`undo with ${t.audit.events.length} records`);
        },
      },
      async () => {
        throw forbidden('EXCHANGE.ITEM_NOT_GRANTED', 'no');
      },
    );
    await expect(refused).rejects.toMatchObject({ code: 'EXCHANGE.ITEM_NOT_GRANTED', kind: 'forbidden' });
    expect(order).toEqual(['undo with 0 records']);
    expect(t.audit.events).toHaveLength(1);
    expect(t.audit.events[0]).toMatchObject({
      eventId: refusalEventId(pending.eventId, 'deny', 'att-1'),
      outcome: 'deny',
      code: 'EXCHANGE.ITEM_NOT_GRANTED',
    });
    expect(t.lines).toEqual([]);
  });

  it('turns an unexpected failure into an internal error, recorded as an error and logged when asked', async () => {
    for (const failed of [undefined, 'step failed']) {
      const t = trail();
      const step = async () => {
        throw new TypeError('boom');
      };
      const thrown = await refusalOnRecord(t, pending, failed ? { ...note, failed } : note, step).catch(
        (e: unknown) => e,
      );
      expect(thrown).toBeInstanceOf(AppError);
      expect(thrown).toMatchObject({ kind: 'internal' });
      expect(t.audit.events.map((e) => e.outcome)).toEqual(['error']);
      const logged = t.lines.map((l) => JSON.parse(l) as { msg: string; requestId: string });
      expect(logged.map((l) => [l.msg, l.requestId])).toEqual(failed ? [[failed, 'r2']] : []);
    }
  });

  it('throws the step’s refusal, not the audit’s, when the record cannot be made', async () => {
    const t = trail(true);
    await expect(
      refusalOnRecord(t, pending, note, async () => {
        throw conflict('EXCHANGE.REQUEST_IN_PROGRESS', 'busy');
      }),
    ).rejects.toMatchObject({ code: 'EXCHANGE.REQUEST_IN_PROGRESS' });
    expect(t.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['not recorded']);
  });
});
