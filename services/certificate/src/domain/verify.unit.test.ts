import { describe, expect, it } from 'vitest';
import { generateSigner, testRandomBytes, testVerifier } from '../testing/suites.js';
import { buildWorld, licenceData, plus, provinceKey, seconds, t0, type World } from '../testing/world.js';
import { toBase64url } from './encoding.js';
import { certifyKey } from './key-certificate.js';
import { createPresentation } from './presentation.js';
import { verifyStatusList, withBit } from './status-list.js';
import { suites } from './suite.js';
import { type VerifyOptions, verifyPresentation } from './verify.js';

const options = (w: World, over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  trust: w.trust,
  statusLists: w.statusLists(),
  now: plus(t0, 30),
  verifier: testVerifier,
  expectedAudience: 'sh.gov.verifier-1',
  ...over,
});

const failedChecks = (r: ReturnType<typeof verifyPresentation>) =>
  Object.entries(r.checks)
    .filter(([, c]) => c.result === 'failed')
    .map(([n]) => n);

describe.each(suites)('核验 with a 浙江 certificate on %s, verified in 上海', (suite) => {
  const w = buildWorld(suite);
  const cert = w.issue();
  const reveal = ['entity_name', 'business_scope', 'established_on'];

  it('verifies offline and says exactly what it checked', () => {
    const qr = w.present(cert, reveal);
    const r = verifyPresentation(qr, { ...options(w), seenNonces: w.nonces() });
    expect(failedChecks(r)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(Object.values(r.checks).every((c) => c.result === 'passed')).toBe(true);
    expect(r.status).toEqual({ state: 'valid', listAgeSeconds: 30 });
    expect(r.presentation).toMatchObject({ aud: 'sh.gov.verifier-1', exp: seconds(t0) + 120, walletProvince: 'zj' });
    expect(r.certificate).toMatchObject({
      id: cert.payload.id,
      version: 1,
      typeName: '营业执照',
      issuer: { province: 'zj', code: w.type.issuer.creditCode, name: '浙江省市场监督管理局' },
    });
    expect(r.disclosed.map((d) => [d.name, d.value, d.digestOk])).toEqual([
      ['entity_name', '杭州示例数据科技有限公司', true],
      ['business_scope', '技术服务、技术开发、技术咨询；数据处理服务；软件开发', true],
      ['established_on', '2021-03-15', true],
    ]);
  });

  it('shows only the chosen fields: the others are nowhere in the presentation', () => {
    const qr = w.present(cert, ['entity_name']);
    const r = verifyPresentation(qr, options(w));
    expect(r.disclosed.map((d) => d.name)).toEqual(['entity_name']);
    expect(qr).not.toContain(toBase64url('测试甲'));
    expect(JSON.stringify(r)).not.toContain('测试甲');
  });

  it('fits a QR code: a business licence with 3 of 10 fields disclosed', () => {
    const qr = w.present(cert, reveal);
    const bytes = Buffer.byteLength(qr, 'utf8');
    // byte mode (lower-case letters rule out alphanumeric mode); version 40-L holds 2,953 bytes.
    // Measured: ~2,000 bytes for either suite, most of it the 10 signed digests and the
    // base64url of UTF-8 Chinese text; this guards against growth.
    expect(bytes).toBeLessThan(2200);
    console.info(`[${suite}] presentation, 3 of 10 fields: ${bytes} bytes (certificate ${cert.credential.length})`);
  });

  it('accepts status lists verified once beforehand (a verifier’s cache), with the same answer', () => {
    const cached = w.statusLists().map((l) => {
      const v = verifyStatusList(l, w.trust.provinces, testVerifier);
      if (!v.ok) throw new Error(v.reason.en);
      return v.list;
    });
    const r = verifyPresentation(w.present(cert, reveal), options(w, { statusLists: cached }));
    expect(r.valid).toBe(true);
    expect(r.status).toEqual({ state: 'valid', listAgeSeconds: 30 });
  });

  it('without a nonce register single use is reported as not checked, not as passed', () => {
    const r = verifyPresentation(w.present(cert, reveal), options(w));
    expect(r.valid).toBe(true);
    expect(r.checks.singleUse.result).toBe('not_checked');
    expect(r.checks.singleUse.reason?.en).toContain('no nonce register');
  });

  it('refuses a replayed presentation', () => {
    const qr = w.present(cert, reveal);
    const nonces = w.nonces();
    expect(verifyPresentation(qr, { ...options(w), seenNonces: nonces }).valid).toBe(true);
    const again = verifyPresentation(qr, { ...options(w), seenNonces: nonces });
    expect(again.valid).toBe(false);
    expect(failedChecks(again)).toEqual(['singleUse']);
    expect(again.checks.singleUse.reason?.zh).toContain('重放');
  });

  it('refuses an expired presentation, and one from the future', () => {
    const qr = w.present(cert, reveal, { lifetime: 60 });
    const late = verifyPresentation(qr, options(w, { now: plus(t0, 61) }));
    expect(failedChecks(late)).toEqual(['freshness']);
    expect(late.checks.freshness.reason?.en).toContain('expired');
    const early = verifyPresentation(qr, options(w, { now: plus(t0, -120) }));
    expect(failedChecks(early)).toEqual(['freshness']);
  });

  it('refuses a presentation for another verifier; accepts one for any', () => {
    const other = verifyPresentation(w.present(cert, reveal, { audience: 'js.bank-7' }), options(w));
    expect(failedChecks(other)).toEqual(['audience']);
    const any = verifyPresentation(w.present(cert, reveal, { audience: 'any' }), options(w));
    expect(any.valid).toBe(true);
  });

  it('refuses a changed disclosure', () => {
    const qr = w.present(cert, ['business_scope']);
    const [c, d, kb] = qr.split('~') as [string, string, string];
    const [salt, name] = JSON.parse(Buffer.from(d, 'base64url').toString()) as [string, string, string];
    const forged = toBase64url(JSON.stringify([salt, name, '技术服务；金融业务；证券投资']));
    const r = verifyPresentation(`${c}~${forged}~${kb}`, options(w));
    expect(r.valid).toBe(false);
    expect(failedChecks(r)).toEqual(['disclosures', 'holderBinding']);
    expect(r.disclosed[0]).toMatchObject({ name: 'business_scope', digestOk: false });
  });

  it('refuses a field the holder did not disclose, added after the holder signed', () => {
    const qr = w.present(cert, ['entity_name']);
    const [c, d, kb] = qr.split('~') as [string, string, string];
    const extra = cert.disclosures.find((x) => x.name === 'legal_representative')?.encoded;
    const r = verifyPresentation(`${c}~${d}~${extra}~${kb}`, options(w));
    expect(failedChecks(r)).toEqual(['holderBinding']);
    expect(r.checks.holderBinding.reason?.en).toContain('added, removed or swapped');
  });

  it('refuses a field swapped in from another certificate', () => {
    const second = w.issue({ data: { ...licenceData, entity_name: '宁波另一家有限公司' } });
    const qr = w.present(cert, ['entity_name']);
    const [c, , kb] = qr.split('~') as [string, string, string];
    const swapped = second.disclosures.find((x) => x.name === 'entity_name')?.encoded;
    const r = verifyPresentation(`${c}~${swapped}~${kb}`, options(w));
    expect(failedChecks(r)).toContain('disclosures');
    expect(r.valid).toBe(false);
  });

  it('refuses an altered certificate: the issuer signature fails', () => {
    const qr = w.present(cert, reveal);
    const [c, ...rest] = qr.split('~');
    const [h, p, s] = (c as string).split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    payload.validUntil = '2099-12-31';
    const altered = `${h}.${toBase64url(JSON.stringify(payload))}.${s}`;
    const r = verifyPresentation([altered, ...rest].join('~'), options(w));
    expect(failedChecks(r)).toEqual(expect.arrayContaining(['signature', 'holderBinding']));
    expect(r.checks.signature.reason?.zh).toContain('篡改');
    expect(r.valid).toBe(false);
  });

  it('refuses a certificate forged with a key that no province certified', () => {
    const rogue = generateSigner(suite, w.issuer.kid);
    const forged = createPresentation(
      {
        certificate: {
          ...cert,
          credential: (() => {
            const [h, p] = cert.credential.split('.') as [string, string];
            return `${h}.${p}.${toBase64url(rogue.sign(Buffer.from(`${h}.${p}`)))}`;
          })(),
        },
        reveal,
        audience: 'any',
        lifetimeSeconds: 60,
        wallet: w.wallet,
      },
      { now: t0, randomBytes: testRandomBytes, verifier: testVerifier },
    );
    const r = verifyPresentation(forged, options(w));
    expect(failedChecks(r)).toEqual(['signature']);
  });

  it('refuses an issuer key without a key certificate (uncertified), naming the key', () => {
    const r = verifyPresentation(
      w.present(cert, reveal),
      options(w, { trust: { ...w.trust, keyCertificates: w.trust.keyCertificates.slice(1) } }),
    );
    expect(failedChecks(r)).toEqual(expect.arrayContaining(['issuerKeyCertified', 'signature']));
    expect(r.checks.issuerKeyCertified.reason?.en).toContain(w.issuer.kid);
  });

  it('refuses an issuer key certified by someone posing as the province', () => {
    const impostor = generateSigner(suite, 'zj-root-1');
    const fake = certifyKey(impostor, w.issuerKey);
    const r = verifyPresentation(
      w.present(cert, reveal),
      options(w, { trust: { ...w.trust, keyCertificates: [fake, ...w.trust.keyCertificates.slice(1)] } }),
    );
    expect(failedChecks(r)).toEqual(expect.arrayContaining(['issuerKeyCertified']));
    expect(r.checks.issuerKeyCertified.reason?.en).toContain('province signature');
  });

  it('refuses a key from a province not in the trust list', () => {
    const r = verifyPresentation(
      w.present(cert, reveal),
      options(w, { trust: { ...w.trust, provinces: [provinceKey('sh', w.shRoot)] } }),
    );
    expect(r.checks.provinceTrusted.result).toBe('failed');
    expect(r.checks.issuerKeyCertified.result).toBe('failed');
    expect(r.checks.provinceTrusted.reason?.en).toContain('zj');
    expect(r.valid).toBe(false);
  });

  it('refuses an issuer key certified for another agency', () => {
    const other = { ...w.issuerKey, agency: w.type.typeCode.slice(0, 18) };
    const r = verifyPresentation(
      w.present(cert, reveal),
      options(w, {
        trust: { ...w.trust, keyCertificates: [certifyKey(w.zjRoot, other), ...w.trust.keyCertificates.slice(1)] },
      }),
    );
    expect(failedChecks(r)).toEqual(['issuerKeyCertified']);
    expect(r.checks.issuerKeyCertified.reason?.en).toContain('agency');
  });

  it('refuses a presentation signed by an uncertified wallet key', () => {
    const rogueWallet = generateSigner(suite, 'zj-wallet-1');
    const r = verifyPresentation(w.present(cert, reveal, { wallet: rogueWallet }), options(w));
    expect(failedChecks(r)).toEqual(['holderBinding']);
  });

  it('reports a revoked (注销) and a suspended (中止) certificate from the cached lists', () => {
    const idx = cert.payload.status.index;
    const world2 = buildWorld(suite);
    const c2 = world2.issue({ index: idx });
    world2.revocation = withBit(world2.revocation, idx, true);
    const revoked = verifyPresentation(world2.present(c2, reveal), options(world2));
    expect(revoked.status.state).toBe('revoked');
    expect(failedChecks(revoked)).toEqual(['status']);
    world2.revocation = withBit(world2.revocation, idx, false);
    world2.suspension = withBit(world2.suspension, idx, true);
    const suspended = verifyPresentation(world2.present(c2, reveal), options(world2));
    expect(suspended.status.state).toBe('suspended');
    expect(suspended.checks.status.reason?.zh).toContain('中止');
  });

  it('reports status unknown with no list, a stale list, or a list signed by someone else', () => {
    const qr = w.present(cert, reveal);
    const none = verifyPresentation(qr, options(w, { statusLists: [] }));
    expect(none.status.state).toBe('unknown');
    expect(failedChecks(none)).toEqual(['status']);
    const stale = verifyPresentation(qr, options(w, { statusLists: w.statusLists(plus(t0, -7200), 3600) }));
    expect(stale.status).toEqual({ state: 'unknown', listAgeSeconds: 7230 });
    const other = buildWorld(suite);
    const foreign = verifyPresentation(qr, options(w, { statusLists: other.statusLists() }));
    expect(foreign.status.state).toBe('unknown');
    expect(foreign.checks.status.reason?.en).toContain('signature');
  });

  it('reports a certificate past its validity period', () => {
    const shortLived = buildWorld(suite);
    shortLived.type = { ...shortLived.type, validity: { kind: 'period', months: 12 } };
    const c = shortLived.issue();
    expect(c.payload.validUntil).toBe('2022-03-14');
    const r = verifyPresentation(shortLived.present(c, reveal), options(shortLived));
    expect(failedChecks(r)).toEqual(['validity']);
  });

  it('never throws on malformed input: a failed format check with a reason', () => {
    const qr = w.present(cert, reveal);
    const cases: unknown[] = [
      undefined,
      42,
      '',
      'not a presentation',
      '~~~',
      qr.replace('.', '!'),
      qr.split('~').slice(0, 1).join('~'),
      `${qr.split('~')[0]}~bm90LWpzb24~${qr.split('~').at(-1)}`,
      'a'.repeat(20_000),
    ];
    for (const input of cases) {
      const r = verifyPresentation(input, options(w));
      expect(r.valid).toBe(false);
      expect(r.checks.format.result).toBe('failed');
      expect(r.checks.format.reason?.zh.length).toBeGreaterThan(0);
      expect(r.checks.format.reason?.en.length).toBeGreaterThan(0);
    }
  });

  it('answers even when the nonce register throws', () => {
    const r = verifyPresentation(w.present(cert, reveal), {
      ...options(w),
      seenNonces: {
        firstUse() {
          throw new Error('register down');
        },
      },
    });
    expect(r.valid).toBe(false);
  });

  it('checks the issuer key as of the day the certificate was issued', () => {
    const expiredKey = { ...w.issuerKey, notAfter: seconds(t0) - 1 };
    const r = verifyPresentation(
      w.present(cert, reveal),
      options(w, {
        trust: { ...w.trust, keyCertificates: [certifyKey(w.zjRoot, expiredKey), ...w.trust.keyCertificates.slice(1)] },
      }),
    );
    expect(failedChecks(r)).toEqual(['issuerKeyCertified']);
    expect(r.checks.issuerKeyCertified.reason?.en).toContain('not valid at this time');
  });
});
