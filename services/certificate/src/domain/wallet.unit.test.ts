import { describe, expect, it } from 'vitest';
import { buildWorld, plus, stateOf, t0 } from '../testing/world.js';
import { type WalletRecord, walletView } from './wallet.js';

describe('the holder’s wallet view', () => {
  const w = buildWorld('sm2-sm3');
  const record = (over: Partial<WalletRecord['state']> = {}, validUntil?: string | null): WalletRecord => {
    const c = w.issue();
    const payload = validUntil === undefined ? c.payload : { ...c.payload, validUntil };
    return { payload, state: { ...stateOf(c), ...over }, type: w.type, fieldNames: c.disclosures.map((d) => d.name) };
  };

  it('lists current versions, usable first, with the fields the holder may show and the disputed mark', () => {
    const usable = record({ openDisputes: ['dsp-1'] });
    const suspended = record({ status: 'suspended' });
    const old = record({ status: 'superseded', supersededBy: usable.payload.id });
    const view = walletView([suspended, old, usable], plus(t0, 60));
    expect(view.map((e) => [e.id, e.status, e.presentable, e.disputed])).toEqual([
      [usable.payload.id, 'active', true, true],
      [suspended.payload.id, 'suspended', false, false],
    ]);
    expect(view[0]?.name).toEqual({ zh: '营业执照', en: 'Business licence' });
    expect(view[0]?.issuer).toEqual({ province: 'zj', code: w.type.issuer.creditCode, name: '浙江省市场监督管理局' });
    expect(view[0]?.fields).toHaveLength(10);
    expect(view[0]?.fields.find((f) => f.name === 'legal_representative')).toMatchObject({ personalInfo: true });
    expect(JSON.stringify(view)).not.toContain('测试甲');
  });

  it('marks an expired certificate as not presentable', () => {
    const [entry] = walletView([record({}, '2026-12-04')], t0);
    expect(entry).toMatchObject({ expired: true, presentable: false, status: 'active' });
  });
});
