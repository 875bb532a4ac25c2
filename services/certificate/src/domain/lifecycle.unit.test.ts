import { describe, expect, it } from 'vitest';
import { testRandomBytes, testVerifier } from '../testing/suites.js';
import { buildWorld, licenceData, plus, stateOf, t0 } from '../testing/world.js';
import { certificateFacts } from './certificate.js';
import { type CertificateState, decide, type LifecycleCommand } from './lifecycle.js';
import { suites } from './suite.js';
import { updateCertificate } from './update.js';

const by = { id: 'zj-amr-operator-7' };
const ctx = { now: plus(t0, 3600) };

describe('中止 / 恢复 / 注销 as a decider', () => {
  const w = buildWorld('ed25519-sha256');
  const active = stateOf(w.issue());
  const suspended: CertificateState = { ...active, status: 'suspended', reason: '停业整顿' };
  const cancelled: CertificateState = { ...active, status: 'cancelled' };
  const superseded: CertificateState = { ...active, status: 'superseded', supersededBy: 'x' };
  const suspend: LifecycleCommand = { kind: 'suspend', by, reason: '涉嫌违法经营，责令停业整顿' };
  const resume: LifecycleCommand = { kind: 'resume', by };
  const cancel: LifecycleCommand = { kind: 'cancel', by, reason: '企业申请注销登记' };

  it.each([
    [
      'suspend an active certificate',
      active,
      suspend,
      'suspended',
      ['CertificateSuspended', 'StatusBitChanged:suspension:true'],
    ],
    [
      'resume a suspended one',
      suspended,
      resume,
      'active',
      ['CertificateResumed', 'StatusBitChanged:suspension:false'],
    ],
    ['cancel an active one', active, cancel, 'cancelled', ['CertificateCancelled', 'StatusBitChanged:revocation:true']],
    [
      'cancel a suspended one',
      suspended,
      cancel,
      'cancelled',
      ['CertificateCancelled', 'StatusBitChanged:revocation:true'],
    ],
  ] as const)('%s', (_n, state, command, status, events) => {
    const d = decide(state, command, ctx);
    if (!d.ok) throw d.error;
    expect(d.state.status).toBe(status);
    expect(d.events.map((e) => (e.type === 'StatusBitChanged' ? `${e.type}:${e.purpose}:${e.value}` : e.type))).toEqual(
      events,
    );
    expect(d.state.changedAt).toBe(ctx.now.toISOString());
  });

  it.each([
    ['suspend a suspended one', suspended, suspend, 'CERT.SUSPENDED'],
    ['resume an active one', active, resume, 'CERT.NOT_SUSPENDED'],
    ['suspend without a reason', active, { kind: 'suspend', by, reason: ' ' }, 'CERT.REASON_REQUIRED'],
    ['cancel without a reason', active, { kind: 'cancel', by, reason: '' }, 'CERT.REASON_REQUIRED'],
    ['change a cancelled one', cancelled, resume, 'CERT.CANCELLED'],
    ['cancel a cancelled one', cancelled, cancel, 'CERT.CANCELLED'],
    ['suspend a superseded one', superseded, suspend, 'CERT.SUPERSEDED'],
    ['update a suspended one', suspended, { kind: 'supersede', by, newId: 'y' }, 'CERT.SUSPENDED'],
  ] as const)('refuses to %s', (_n, state, command, code) => {
    const d = decide(state, command as LifecycleCommand, ctx);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error.code).toBe(code);
    expect(d.error.reason.zh.length).toBeGreaterThan(0);
    expect(d.error.reason.en.length).toBeGreaterThan(0);
  });

  it('records the status bit against the certificate’s own list entry', () => {
    const d = decide(active, cancel, ctx);
    expect(d.ok && d.events[1]).toMatchObject({ type: 'StatusBitChanged', entry: active.statusEntry });
  });
});

describe.each(suites)('更新 on %s', (suite) => {
  const w = buildWorld(suite);
  const first = w.issue({ index: 100 });
  const old = stateOf(first);
  const base = {
    type: w.type,
    data: { ...licenceData, address: '浙江省杭州市滨江区示例大道8号' },
    holder: w.holderRef,
    validFrom: '2021-03-15',
    status: { province: 'zj' as const, list: 'zj-1', index: 90_001 },
    signer: w.issuer,
    signerKey: w.issuerKey,
  };
  const issueCtx = { now: plus(t0, 86_400), randomBytes: testRandomBytes, verifier: testVerifier };

  it('issues version 2 in the same series and supersedes version 1', () => {
    const u = updateCertificate(old, base, by, issueCtx);
    if (!u.ok) throw u.error;
    const facts = certificateFacts(u.certificate.payload);
    expect(facts.version).toBe(2);
    expect(facts.series).toBe(old.series);
    expect(u.certificate.payload.supersedes).toBe(old.id);
    expect(u.old).toMatchObject({ status: 'superseded', supersededBy: u.certificate.payload.id });
    expect(u.next).toMatchObject({ status: 'active', version: 2, statusEntry: base.status });
    expect(u.events.map((e) => e.type)).toEqual(['CertificateSuperseded', 'StatusBitChanged', 'CertificateIssued']);
  });

  it('refuses to reuse the old status index, to change issuer, or to update a cancelled certificate', () => {
    const reuse = updateCertificate(old, { ...base, status: old.statusEntry }, by, issueCtx);
    expect(!reuse.ok && reuse.error.code).toBe('CERT.INVALID_INPUT');
    const otherType = { ...w.type, typeCode: `${w.type.typeCode.slice(0, 18)}033` };
    const changed = updateCertificate(old, { ...base, type: otherType }, by, issueCtx);
    expect(!changed.ok && changed.error.code).toBe('CERT.ISSUER_MISMATCH');
    const gone = updateCertificate({ ...old, status: 'cancelled' }, base, by, issueCtx);
    expect(!gone.ok && gone.error.code).toBe('CERT.CANCELLED');
    const bad = updateCertificate(old, { ...base, data: { entity_name: 1 } }, by, issueCtx);
    expect(!bad.ok && bad.error.code).toBe('CERT.INVALID_DATA');
  });
});
