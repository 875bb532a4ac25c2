import { describe, expect, it } from 'vitest';
import { type Bucket, take } from './rate-limit.js';

describe('a grant’s rate limit (token bucket)', () => {
  it('lets a full minute’s worth through at once, then refuses with when to come back', () => {
    let b: Bucket | undefined;
    for (let i = 0; i < 60; i++) {
      const t = take(b, 1_000, 60);
      expect(t.ok).toBe(true);
      b = t.bucket;
    }
    const refused = take(b, 1_000, 60);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 1000 });
  });

  it.each([
    [60, 999, false],
    [60, 1_000, true],
    [120, 500, true],
    [6, 9_999, false],
    [6, 10_000, true],
  ])('at %i/min, after emptying, a request %i ms later passes: %s', (perMinute, later, ok) => {
    let b: Bucket | undefined;
    for (let i = 0; i < perMinute; i++) b = take(b, 0, perMinute).bucket;
    expect(take(b, later, perMinute).ok).toBe(ok);
  });

  it('never saves up more than a minute’s worth', () => {
    const t = take({ tokens: 0, at: 0 }, 3_600_000, 10);
    expect(t.ok && t.bucket.tokens).toBe(9);
  });
});
