import { describe, expect, it } from 'vitest';
import { applicationIdFor, idempotencyKeyPattern, provinceOfId } from './ids.js';

describe('the application an Idempotency-Key names', () => {
  const user = { province: 'sh', sub: 'sh-dsj-requester' };
  const key = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

  it('is the same id for the same user and key, a UUID of version 8 issued by the provider', () => {
    const id = applicationIdFor('zj', user, key);
    expect(applicationIdFor('zj', user, key)).toBe(id);
    expect(id).toMatch(/^zj-app-[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(provinceOfId(id)).toBe('zj');
  });

  it('is another id for another user, province of the user, key or provider', () => {
    const id = applicationIdFor('zj', user, key);
    const others = [
      applicationIdFor('zj', { ...user, sub: 'sh-dsj-requester2' }, key),
      applicationIdFor('zj', { ...user, province: 'js' }, key),
      applicationIdFor('zj', user, `${key}0`),
      applicationIdFor('ah', user, key),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('takes keys of 8 to 128 letters, digits and .:_- only', () => {
    for (const ok of [key, 'b6f1c2d4-5e7a-4b8c-9d0e-1f2a3b4c5d6e', 'order:2026.12_06', 'x'.repeat(128)])
      expect(idempotencyKeyPattern.test(ok), ok).toBe(true);
    for (const bad of ['', 'short', 'has space in', 'x'.repeat(129), '键键键键键键键键', 'a/b/c/d/e'])
      expect(idempotencyKeyPattern.test(bad), bad).toBe(false);
  });
});
