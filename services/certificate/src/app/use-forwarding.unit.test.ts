import { AppError } from '@yrd/errors';
import { describe, expect, it } from 'vitest';
import { useForwardSchema } from '../domain/use-forward.js';
import type { CertificateUse } from './ports.js';
import { forwardOf, isFinalRefusal, retryDelayMs } from './use-forwarding.js';

const policy = { retryMinMs: 1000, retryMaxMs: 60_000, pollMs: 5000, batch: 10 };

describe('retryDelayMs', () => {
  it('doubles from the first wait and stops at the longest', () => {
    const top = () => 0; // no jitter
    expect([1, 2, 3, 4, 7, 20, 80].map((n) => retryDelayMs(n, policy, top))).toEqual([
      1000, 2000, 4000, 8000, 60_000, 60_000, 60_000,
    ]);
  });

  it('spreads peers by taking up to a fifth off, never more', () => {
    expect(retryDelayMs(3, policy, () => 0.999)).toBeGreaterThanOrEqual(3200);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(3600);
  });
});

describe('isFinalRefusal', () => {
  it('gives up on what the issuer will refuse again, retries what may pass later', () => {
    expect(isFinalRefusal(new AppError('not_found', 'CERT.USE_NOT_ISSUED_HERE', 'x'))).toBe(true);
    expect(isFinalRefusal(new AppError('invalid', 'CERT.USE_FORWARD_INVALID', 'x'))).toBe(true);
    expect(isFinalRefusal(new AppError('conflict', 'CERT.USE_ID_TAKEN', 'x'))).toBe(true);
    expect(isFinalRefusal(new AppError('unavailable', 'CERT.ISSUER_UNAVAILABLE', 'x'))).toBe(false);
    expect(isFinalRefusal(new AppError('internal', 'INTERNAL', 'x'))).toBe(false);
    expect(isFinalRefusal(new Error('socket closed'))).toBe(false);
  });
});

describe('forwardOf', () => {
  const use: CertificateUse = {
    id: '0b5f3e2a-4c3d-4e8f-9a1b-2c3d4e5f6a7b',
    certificateId: 'zj-cert-1',
    holderRef: 'ref-1',
    kind: 'verification',
    user: { province: 'sh', sub: 'sh-counter-7', agency: '11310000MB0000000X', kind: 'government' },
    serviceCode: null,
    purpose: null,
    authorisationId: 'sh-auth-1',
    outcome: 'valid',
    at: '2026-12-05T02:00:00.000Z',
    recordedIn: 'sh',
  };

  it('carries no province and no local authorisation: the lane says who sends, the grant is the sender’s', () => {
    const f = forwardOf(use, 'k1');
    expect(f).toEqual({
      id: use.id,
      certificateId: 'zj-cert-1',
      holder: { keyId: 'k1', ref: 'ref-1' },
      kind: 'verification',
      who: { sub: 'sh-counter-7', agency: '11310000MB0000000X', kind: 'government' },
      serviceCode: null,
      purpose: null,
      outcome: 'valid',
      at: use.at,
    });
    expect(useForwardSchema.safeParse(f).success).toBe(true);
    expect(useForwardSchema.safeParse({ ...f, who: { ...f.who, province: 'ah' } }).success).toBe(false);
  });
});
