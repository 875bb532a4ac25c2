import { describe, expect, it } from 'vitest';
import { generateSigner, testVerifier } from '../testing/suites.js';
import { buildWorld, seconds, t0 } from '../testing/world.js';
import { fromBase64url, toBase64url } from './encoding.js';
import { certifyKey, checkKey } from './key-certificate.js';
import { openArtefact, signArtefact, verifyArtefact } from './signed.js';
import { suites } from './suite.js';

describe('strict base64url', () => {
  it('round-trips and refuses padding, other alphabets and non-canonical trailing bits', () => {
    expect(fromBase64url(toBase64url('电子证照'))).toEqual(new Uint8Array(Buffer.from('电子证照')));
    expect(fromBase64url('YQ==')).toBeUndefined();
    expect(fromBase64url('a+b/')).toBeUndefined();
    expect(fromBase64url('YR')).toBeUndefined(); // 'YQ' is the canonical form of 'a'
    expect(fromBase64url('Y')).toBeUndefined();
  });
});

describe.each(suites)('signed artefacts on %s', (suite) => {
  const signer = generateSigner(suite, 'k-1');

  it('verifies what was signed and nothing else', () => {
    const compact = signArtefact(signer, 'yrd-status-list', { a: 1 });
    const opened = openArtefact(compact, 'yrd-status-list');
    expect(opened.ok && verifyArtefact(opened.artefact, testVerifier, signer.publicKey)).toBe(true);
    const other = generateSigner(suite, 'k-1');
    expect(opened.ok && verifyArtefact(opened.artefact, testVerifier, other.publicKey)).toBe(false);
    expect(opened.ok && verifyArtefact(opened.artefact, testVerifier, 'not-a-key')).toBe(false);
  });

  it('refuses an artefact of another type: a status list cannot pass for a certificate', () => {
    const compact = signArtefact(signer, 'yrd-status-list', { a: 1 });
    const opened = openArtefact(compact, 'yrd-cert+sd');
    expect(opened.ok).toBe(false);
    expect(!opened.ok && opened.reason.en).toContain('expected an artefact of type yrd-cert+sd');
  });
});

describe.each(suites)('key certificates on %s', (suite) => {
  const w = buildWorld(suite);
  const now = seconds(t0);

  it('finds the issuer key certified by its province', () => {
    const k = checkKey(
      w.trust,
      testVerifier,
      { kid: w.issuer.kid, role: 'issuer', suite, agency: w.issuerKey.agency ?? '' },
      now,
    );
    expect(k).toMatchObject({ certified: true, provinceTrusted: true, key: { publicKey: w.issuer.publicKey } });
  });

  it('refuses the wallet key used as an issuer key, and a key of another suite', () => {
    const asIssuer = checkKey(w.trust, testVerifier, { kid: w.wallet.kid, role: 'issuer', suite }, now);
    expect(asIssuer.certified).toBe(false);
    expect(asIssuer.reason?.en).toContain('role');
    const otherSuite = suite === 'sm2-sm3' ? 'ed25519-sha256' : 'sm2-sm3';
    expect(
      checkKey(w.trust, testVerifier, { kid: w.issuer.kid, role: 'issuer', suite: otherSuite }, now).certified,
    ).toBe(false);
  });

  it('is not fooled by a forged certificate for the same kid placed first', () => {
    const impostor = generateSigner(suite, 'zj-root-1');
    const rogue = generateSigner(suite, w.issuer.kid);
    const forged = certifyKey(impostor, { ...w.issuerKey, publicKey: rogue.publicKey });
    const k = checkKey(
      { ...w.trust, keyCertificates: [forged, ...w.trust.keyCertificates] },
      testVerifier,
      { kid: w.issuer.kid, role: 'issuer', suite },
      now,
    );
    expect(k.certified).toBe(true);
    expect(k.key?.publicKey).toBe(w.issuer.publicKey);
  });
});
