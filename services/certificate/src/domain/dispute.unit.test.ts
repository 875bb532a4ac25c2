import { describe, expect, it } from 'vitest';
import { buildWorld, plus, stateOf, t0 } from '../testing/world.js';
import { isDisputed, overdueDisputes, raiseDispute, resolveDispute, type WorkingDays } from './dispute.js';
import type { CertificateState } from './lifecycle.js';

/** Weekends off, no holidays: enough to test the domain; the service wires the real calendar. */
const weekdays: WorkingDays = {
  addWorkingDays(date, n) {
    const d = new Date(date.getTime());
    let left = n;
    while (left > 0) {
      d.setUTCDate(d.getUTCDate() + 1);
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left -= 1;
    }
    return d;
  },
};

const w = buildWorld('ed25519-sha256');
const cert = stateOf(w.issue());
const holder = { kind: 'holder' as const, ref: w.holderRef.ref };
const raise = (state: CertificateState = cert, reason = '住所已变更，照面地址不准确') =>
  raiseDispute(
    state,
    { id: 'dsp-1', raisedBy: holder, ground: 'accuracy', fields: ['address'], reason },
    { now: t0, workingDays: weekdays },
  );

describe('异议核查', () => {
  it('opens a dispute with a working-day deadline and marks the certificate disputed', () => {
    // t0 is Saturday 2026-12-05: five working days later is Friday 2026-12-11
    const r = raise();
    if (!r.ok) throw r.error;
    expect(r.dispute).toMatchObject({
      status: 'open',
      ground: 'accuracy',
      fields: ['address'],
      certificateId: cert.id,
    });
    expect(r.dispute.dueAt).toBe('2026-12-11T02:00:00.000Z');
    expect(isDisputed(r.certificate)).toBe(true);
    expect(isDisputed(cert)).toBe(false);
    expect(r.events[0]).toMatchObject({ type: 'DisputeRaised', disputeId: 'dsp-1', dueAt: r.dispute.dueAt });
  });

  it('takes the number of days from the province setting', () => {
    const r = raiseDispute(
      cert,
      { id: 'd', raisedBy: holder, ground: 'timeliness', reason: '数据未更新' },
      { now: t0, workingDays: weekdays, days: 10 },
    );
    expect(r.ok && r.dispute.dueAt).toBe('2026-12-18T02:00:00.000Z');
  });

  it.each([
    ['without a reason', () => raise(cert, ' '), 'CERT.REASON_REQUIRED'],
    ['on a cancelled certificate', () => raise({ ...cert, status: 'cancelled' }), 'CERT.CANCELLED'],
    ['on a superseded version', () => raise({ ...cert, status: 'superseded' }), 'CERT.SUPERSEDED'],
  ])('refuses a dispute %s', (_n, f, code) => {
    const r = f();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe(code);
  });

  it('resolves by rejection with a reason and lifts the mark', () => {
    const r = raise();
    if (!r.ok) throw r.error;
    const done = resolveDispute(
      r.dispute,
      r.certificate,
      { outcome: 'rejected', by: 'zj-amr', reason: '经核实，登记住所未变更' },
      { now: plus(t0, 86_400) },
    );
    if (!done.ok) throw done.error;
    expect(done.state.dispute).toMatchObject({
      status: 'rejected',
      resolution: { late: false, reason: '经核实，登记住所未变更' },
    });
    expect(isDisputed(done.state.certificate)).toBe(false);
  });

  it('resolves by correction only once the new version exists', () => {
    const r = raise();
    if (!r.ok) throw r.error;
    const early = resolveDispute(
      r.dispute,
      r.certificate,
      { outcome: 'corrected', by: 'zj-amr', newCertificateId: 'v2' },
      { now: t0 },
    );
    expect(!early.ok && early.error.code).toBe('CERT.INVALID_INPUT');
    const superseded = { ...r.certificate, status: 'superseded' as const, supersededBy: 'v2' };
    const done = resolveDispute(
      r.dispute,
      superseded,
      { outcome: 'corrected', by: 'zj-amr', newCertificateId: 'v2' },
      { now: t0 },
    );
    if (!done.ok) throw done.error;
    expect(done.state.dispute.resolution).toMatchObject({ newCertificateId: 'v2' });
    expect(done.events[0]).toMatchObject({ type: 'DisputeResolved', outcome: 'corrected', newCertificateId: 'v2' });
  });

  it('refuses to resolve twice, to reject without a reason, or against another certificate', () => {
    const r = raise();
    if (!r.ok) throw r.error;
    const noReason = resolveDispute(
      r.dispute,
      r.certificate,
      { outcome: 'rejected', by: 'zj-amr', reason: '' },
      { now: t0 },
    );
    expect(!noReason.ok && noReason.error.code).toBe('CERT.REASON_REQUIRED');
    const other = resolveDispute(
      r.dispute,
      { ...r.certificate, id: 'other' },
      { outcome: 'rejected', by: 'zj-amr', reason: '不成立' },
      { now: t0 },
    );
    expect(!other.ok && other.error.code).toBe('CERT.DISPUTE_WRONG_CERTIFICATE');
    const once = resolveDispute(
      r.dispute,
      r.certificate,
      { outcome: 'rejected', by: 'zj-amr', reason: '不成立' },
      { now: t0 },
    );
    if (!once.ok) throw once.error;
    const twice = resolveDispute(
      once.state.dispute,
      once.state.certificate,
      { outcome: 'rejected', by: 'zj-amr', reason: '不成立' },
      { now: t0 },
    );
    expect(!twice.ok && twice.error.code).toBe('CERT.DISPUTE_NOT_OPEN');
  });

  it('finds overdue disputes and records a late resolution as late', () => {
    const r = raise();
    if (!r.ok) throw r.error;
    expect(overdueDisputes([r.dispute], new Date('2026-12-11T01:59:59Z'))).toEqual([]);
    expect(overdueDisputes([r.dispute], new Date('2026-12-11T02:00:01Z'))).toEqual([r.dispute]);
    const late = resolveDispute(
      r.dispute,
      r.certificate,
      { outcome: 'rejected', by: 'zj-amr', reason: '不成立' },
      { now: new Date('2026-12-14T00:00:00Z') },
    );
    expect(late.ok && late.state.dispute.resolution?.late).toBe(true);
    expect(late.ok && overdueDisputes([late.state.dispute], new Date('2026-12-20T00:00:00Z'))).toEqual([]);
  });
});
