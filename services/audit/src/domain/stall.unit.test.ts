import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_GRACE_MS, HEAD_STALLED, judgeStall, type StallFacts } from './stall.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, 0) + s * 1000);
const facts = (o: Partial<StallFacts>): StallFacts => ({
  province: 'zj',
  lastGrowth: t(0),
  size: 10,
  oldestPending: undefined,
  now: t(100),
  graceMs: 30_000,
  ...o,
});

describe('judgeStall: a head that stopped growing while an exchange with that province waits', () => {
  it.each([
    ['nothing pending', facts({}), false],
    ['pending, within the grace', facts({ oldestPending: t(80) }), false],
    ['pending, exactly the grace old', facts({ oldestPending: t(70) }), false],
    ['pending, older than the grace', facts({ oldestPending: t(69) }), true],
    ['the exchange came before the head last grew', facts({ oldestPending: t(-5), now: t(500) }), false],
    ['the exchange at the very moment of growth', facts({ oldestPending: t(0), now: t(500) }), false],
    ['a head never seen: from when watching began', facts({ size: 0, oldestPending: t(1), now: t(40) }), true],
    ['a short grace for tests', facts({ oldestPending: t(99), graceMs: 500 }), true],
  ])('%s', (_name, f, stalled) => {
    const j = judgeStall(f);
    expect(j.stalled).toBe(stalled);
    if (j.stalled) {
      expect(j.code).toBe(HEAD_STALLED);
      expect(j.pendingSince).toEqual(f.oldestPending);
      expect(j.message).toContain('zj');
      expect(j.message).toContain(`size ${f.size}`);
    }
  });

  it('waits 30 s by default', () => {
    expect(DEFAULT_STALL_GRACE_MS).toBe(30_000);
  });
});
