import { describe, expect, it } from 'vitest';
import { periodStart, refusalReasonOf, useModeOf } from './types';

describe('who used my data: the words the page picks', () => {
  it('starts a period that many days back, and all time nowhere', () => {
    const now = new Date('2026-12-05T10:00:00.000Z');
    expect(periodStart('7d', now)).toBe('2026-11-28T10:00:00.000Z');
    expect(periodStart('all', now)).toBeUndefined();
  });
  it('tells a refusal in plain words when it knows the code, and shows the code otherwise', () => {
    expect(refusalReasonOf('CONSENT.CONSENT_REQUIRED')).toBe('consentRequired');
    expect(refusalReasonOf('CONSENT.NO_GRANT')).toBe('grantMissing');
    expect(refusalReasonOf('EXCHANGE.SOMETHING_NEW')).toBe('other');
  });
  it('tells a mode it has no words for as a query', () => {
    expect(useModeOf('verify')).toBe('verify');
    expect(useModeOf('teleport')).toBe('query');
  });
});
