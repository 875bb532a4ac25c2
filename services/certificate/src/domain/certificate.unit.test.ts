import { describe, expect, it } from 'vitest';
import { generateSigner, testRandomBytes, testVerifier } from '../testing/suites.js';
import { buildWorld, companyCode, licenceData, plus, seconds, t0 } from '../testing/world.js';
import { addMonths, issueCertificate, validUntilOf } from './certificate.js';
import { decodeDisclosure, disclosureDigest } from './disclosure.js';
import { CertificateDomainError } from './errors.js';
import { parseIdentifier } from './identifier.js';
import { createPresentation } from './presentation.js';
import { openArtefact } from './signed.js';
import { suites } from './suite.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof CertificateDomainError) return e.code;
    throw e;
  }
  return 'no refusal';
};

describe.each(suites)('制发 on %s', (suite) => {
  const w = buildWorld(suite);
  const input = () => ({
    type: w.type,
    data: licenceData,
    holder: w.holderRef,
    year: 2026,
    serial: 7,
    version: 1,
    validFrom: '2021-03-15',
    status: { province: 'zj' as const, list: 'zj-1', index: 31_337 },
    signer: w.issuer,
    signerKey: w.issuerKey,
  });
  const ctx = { now: t0, randomBytes: testRandomBytes, verifier: testVerifier };

  it('signs only digests: no field value and no holder number in the signed part', () => {
    const c = issueCertificate(input(), ctx);
    const opened = openArtefact(c.credential, 'yrd-cert+sd');
    expect(opened.ok && opened.artefact.header).toEqual({ alg: suite, kid: w.issuer.kid, typ: 'yrd-cert+sd' });
    const signed = JSON.stringify(opened.ok && opened.artefact.payload);
    expect(signed).not.toContain(companyCode);
    expect(signed).not.toContain('测试甲');
    expect(signed).toContain(w.holderRef.ref);
    expect(c.payload.sd_alg).toBe(suite === 'sm2-sm3' ? 'sm3' : 'sha-256');
    expect(c.payload._sd).toHaveLength(10);
    expect([...c.payload._sd].sort()).toEqual(c.payload._sd);
    expect(parseIdentifier(c.payload.id)).toMatchObject({ year: 2026, serial: 7, version: 1 });
  });

  it('makes one disclosure per field, each with a fresh salt of at least 128 bits, matching a signed digest', () => {
    const c = issueCertificate(input(), ctx);
    const salts = new Set(c.disclosures.map((d) => d.salt));
    expect(salts.size).toBe(10);
    for (const d of c.disclosures) {
      expect(Buffer.from(d.salt, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(decodeDisclosure(d.encoded)).toEqual(d);
      expect(c.payload._sd).toContain(disclosureDigest(testVerifier, suite, d.encoded));
    }
    const again = issueCertificate(input(), ctx);
    expect(again.payload._sd).not.toEqual(c.payload._sd);
  });

  it.each([
    [
      'a key certified for another agency',
      { signerKey: { ...w.issuerKey, agency: w.type.typeCode.slice(0, 18) } },
      'CERT.ISSUER_MISMATCH',
    ],
    ['a wallet key', { signerKey: { ...w.issuerKey, role: 'wallet' as const } }, 'CERT.ISSUER_MISMATCH'],
    ['a key certificate for another key', { signer: generateSigner(suite, w.issuer.kid) }, 'CERT.KEY_NOT_CERTIFIED'],
    [
      'an expired key certificate',
      { signerKey: { ...w.issuerKey, notAfter: seconds(t0) - 1 } },
      'CERT.KEY_NOT_CERTIFIED',
    ],
    [
      'a natural person as holder of a licence',
      { holder: { ...w.holderRef, type: 'natural_person' as never } },
      'CERT.INVALID_DATA',
    ],
    [
      'another province’s status list',
      { status: { province: 'sh' as const, list: 'sh-1', index: 1 } },
      'CERT.INVALID_INPUT',
    ],
    ['data missing a required field', { data: { entity_name: '某公司' } }, 'CERT.INVALID_DATA'],
  ])('refuses to issue with %s', (_n, override, expected) => {
    expect(code(() => issueCertificate({ ...input(), ...override }, ctx))).toBe(expected);
  });
});

describe('validity', () => {
  const w = buildWorld('ed25519-sha256');
  const yearly = { ...w.type, validity: { kind: 'period' as const, months: 12 } };

  it('follows the type’s rule, ending the day before the anniversary, clamped at month ends', () => {
    expect(addMonths('2026-03-05', 12)).toBe('2027-03-04');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-27');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-27');
    expect(validUntilOf(yearly, '2026-03-05')).toBe('2027-03-04');
    expect(validUntilOf(w.type, '2026-03-05')).toBeNull();
  });

  it('accepts an earlier end the issuer gives, refuses one beyond the rule or before the start', () => {
    expect(validUntilOf(yearly, '2026-03-05', '2026-12-31')).toBe('2026-12-31');
    expect(code(() => validUntilOf(yearly, '2026-03-05', '2028-01-01'))).toBe('CERT.INVALID_DATA');
    expect(code(() => validUntilOf(w.type, '2026-03-05', '2026-03-04'))).toBe('CERT.INVALID_DATA');
  });
});

describe('亮证 refusals on the holder’s side', () => {
  const w = buildWorld('sm2-sm3');
  const cert = w.issue();
  const present = (over: Partial<Parameters<typeof createPresentation>[0]>) =>
    code(() =>
      createPresentation(
        { certificate: cert, reveal: ['entity_name'], audience: 'any', lifetimeSeconds: 60, wallet: w.wallet, ...over },
        { now: plus(t0, 5), randomBytes: testRandomBytes, verifier: testVerifier },
      ),
    );

  it('refuses a lifetime over 5 minutes or under a second, an unknown field, and no audience', () => {
    expect(present({ lifetimeSeconds: 301 })).toBe('CERT.PRESENTATION_LIFETIME');
    expect(present({ lifetimeSeconds: 0 })).toBe('CERT.PRESENTATION_LIFETIME');
    expect(present({ reveal: ['shoe_size'] })).toBe('CERT.UNKNOWN_DISCLOSURE');
    expect(present({ audience: '' })).toBe('CERT.INVALID_INPUT');
    expect(present({ lifetimeSeconds: 300 })).toBe('no refusal');
  });

  it('discloses nothing when asked for nothing, and each field once when asked twice', () => {
    const none = w.present(cert, []);
    expect(none.split('~')).toHaveLength(2);
    const twice = w.present(cert, ['entity_name', 'entity_name']);
    expect(twice.split('~')).toHaveLength(3);
  });
});
