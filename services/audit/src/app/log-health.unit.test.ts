import { describe, expect, it } from 'vitest';
import {
  LOG_APPEND_FAILED,
  LOG_INCONSISTENT,
  LOG_INGEST_STOPPED,
  LOG_TAMPERED,
  LogHealth,
  type LogState,
} from './log-health.js';

const at = new Date('2026-01-01T08:00:00.000Z');

describe('LogHealth: a passing failure clears itself, a lasting one stays', () => {
  const watched = () => {
    const health = new LogHealth(() => at);
    const seen: LogState[] = [];
    health.onChange((s) => seen.push(s));
    return { health, seen };
  };

  it('a failed append clears when an append succeeds again, telling each change once', () => {
    const { health, seen } = watched();
    expect(health.current()).toEqual({ status: 'ok' });
    health.fail(LOG_APPEND_FAILED, 'database down');
    health.fail(LOG_APPEND_FAILED, 'database still down');
    expect(health.current()).toEqual({
      status: 'failed',
      code: LOG_APPEND_FAILED,
      message: 'database down',
      since: at.toISOString(),
    });
    expect(health.damaged).toBe(false);
    health.recover();
    health.recover();
    expect(health.current()).toEqual({ status: 'ok' });
    expect(seen.map((s) => s.status)).toEqual(['failed', 'ok']);
  });

  it.each([LOG_INCONSISTENT, LOG_TAMPERED, LOG_INGEST_STOPPED])(
    '%s stays through successful appends and is not replaced',
    (code) => {
      const { health, seen } = watched();
      health.fail(code, 'first finding');
      health.recover();
      health.fail(LOG_APPEND_FAILED, 'database down');
      health.fail(code === LOG_TAMPERED ? LOG_INCONSISTENT : LOG_TAMPERED, 'second finding');
      expect(health.current()).toMatchObject({ status: 'failed', code, message: 'first finding' });
      expect(health.damaged).toBe(true);
      expect(seen).toHaveLength(1);
    },
  );

  it('a lasting failure replaces a passing one', () => {
    const { health, seen } = watched();
    health.fail(LOG_APPEND_FAILED, 'database down');
    health.fail(LOG_INCONSISTENT, 'seq taken');
    health.recover();
    expect(health.current()).toMatchObject({ code: LOG_INCONSISTENT });
    expect(seen.map((s) => (s.status === 'failed' ? s.code : s.status))).toEqual([LOG_APPEND_FAILED, LOG_INCONSISTENT]);
  });

  it('a listener unsubscribed hears nothing more', () => {
    const health = new LogHealth(() => at);
    const seen: LogState[] = [];
    const off = health.onChange((s) => seen.push(s));
    off();
    health.fail(LOG_APPEND_FAILED, 'x');
    expect(seen).toEqual([]);
  });
});
