// SM2 interoperability with an independent implementation, sm-crypto (JavaScript, used only here),
// both ways and with the GM/T 0009 default identifier; plus the platform findings that made sm2.ts
// necessary, kept as tests so a Node upgrade that changes them is noticed.
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as platformSign,
  randomBytes,
} from 'node:crypto';
import { sm2 as smCrypto } from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import { exportPrivateJwk, exportPublicJwk, SM2_DEFAULT_ID, suite } from './index.js';
import { sm2PointOf } from './keys.js';
import { SM2_N, sm2Verify, toBytes32 } from './sm2.js';

const s = suite('sm2-sm3');

/** A key pair in sm-crypto's hex form (d; 04 ‖ x ‖ y) next to the suite's KeyObjects. */
function keyPair() {
  const { publicKey, privateKey } = s.generateKeyPair();
  const jwk = exportPrivateJwk(privateKey);
  const b = (v: string) => Buffer.from(v, 'base64url').toString('hex');
  if (jwk.kty !== 'EC') throw new Error('expected an SM2 JWK');
  return { publicKey, privateKey, dHex: b(jwk.d), pubHex: `04${b(jwk.x)}${b(jwk.y)}` };
}

const messages: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['ASCII', Buffer.from('message digest')],
  ['Chinese', Buffer.from('长三角政务数据共享交换平台：上海、江苏、浙江、安徽')],
  ['binary, 1000 bytes', Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256))],
];

/** sm-crypto hashes strings as UTF-8 and arrays as bytes; bytes are what we sign. */
const bytes = (m: Buffer) => Array.from(m);

describe('SM2 with SM3 and the default ID, against sm-crypto', () => {
  const k = keyPair();

  it('uses the GM/T 0009 default identifier 1234567812345678', () => {
    expect(SM2_DEFAULT_ID.toString('ascii')).toBe('1234567812345678');
  });

  it.each(messages)('suite signs, sm-crypto verifies (%s)', (_, m) => {
    const sig = s.sign(m, k.privateKey).toString('hex');
    expect(smCrypto.doVerifySignature(bytes(m), sig, k.pubHex, { hash: true })).toBe(true);
    expect(smCrypto.doVerifySignature(bytes(m), sig, k.pubHex, { hash: true, userId: '1234567812345678' })).toBe(true);
    // … and it is really the default ID that was used, not some other one
    expect(smCrypto.doVerifySignature(bytes(m), sig, k.pubHex, { hash: true, userId: 'ALICE123@YAHOO.COM' })).toBe(
      false,
    );
  });

  it.each(messages)('sm-crypto signs, suite verifies (%s)', (_, m) => {
    const sig = Buffer.from(smCrypto.doSignature(bytes(m), k.dHex, { hash: true, publicKey: k.pubHex }), 'hex');
    expect(sig).toHaveLength(64);
    expect(s.verify(m, k.publicKey, sig)).toBe(true);
  });

  it('signs strings as sm-crypto does (UTF-8)', () => {
    const text = '同意书 consent artefact';
    const sig = Buffer.from(smCrypto.doSignature(text, k.dHex, { hash: true }), 'hex');
    expect(s.verify(Buffer.from(text, 'utf8'), k.publicKey, sig)).toBe(true);
  });

  it('many keys and messages agree both ways', () => {
    for (let i = 0; i < 10; i++) {
      const kk = keyPair();
      const m = Buffer.from(`signed tree head #${i} 签名树头`);
      expect(smCrypto.doVerifySignature(bytes(m), s.sign(m, kk.privateKey).toString('hex'), kk.pubHex)).toBe(true);
      expect(s.verify(m, kk.publicKey, Buffer.from(smCrypto.doSignature(bytes(m), kk.dHex), 'hex'))).toBe(true);
    }
  });

  it('refuses sm-crypto signatures made with another ID, without the Z_A prefix, or over other bytes', () => {
    const m = messages[2]![1];
    const otherId = smCrypto.doSignature(bytes(m), k.dHex, { hash: true, userId: 'ALICE123@YAHOO.COM' });
    const noZa = smCrypto.doSignature(bytes(m), k.dHex, { hash: false });
    const otherMessage = smCrypto.doSignature(bytes(Buffer.from('other')), k.dHex, { hash: true });
    for (const sig of [otherId, noZa, otherMessage])
      expect(s.verify(m, k.publicKey, Buffer.from(sig, 'hex'))).toBe(false);
  });

  it('refuses a signature under another key, and tampered r or s', () => {
    const m = messages[1]![1];
    const sig = Buffer.from(smCrypto.doSignature(bytes(m), k.dHex), 'hex');
    expect(s.verify(m, keyPair().publicKey, sig)).toBe(false);
    const r = Buffer.from(sig);
    r[5]! ^= 0x80;
    const sx = Buffer.from(sig);
    sx[40]! ^= 0x01;
    expect(s.verify(m, k.publicKey, r)).toBe(false);
    expect(s.verify(m, k.publicKey, sx)).toBe(false);
  });

  it('refuses r or s out of [1, n−1] (including r = n, which equals 0 mod n)', () => {
    const m = messages[1]![1];
    const sig = s.sign(m, k.privateKey);
    const r = sig.subarray(0, 32);
    const sv = sig.subarray(32);
    for (const bad of [
      Buffer.concat([toBytes32(0n), sv]),
      Buffer.concat([toBytes32(SM2_N), sv]),
      Buffer.concat([r, toBytes32(0n)]),
      Buffer.concat([r, toBytes32(SM2_N)]),
      Buffer.concat([toBytes32(SM2_N - 1n), toBytes32(1n)]), // r + s = n: t = 0
    ]) {
      expect(s.verify(m, k.publicKey, bad)).toBe(false);
    }
  });

  it('handles the degenerate sums Q + u·G = 2Q and = O (u = ±d) by refusing, as sm-crypto does', () => {
    const d = BigInt(`0x${k.dHex}`);
    const m = messages[1]![1];
    const inv = (a: bigint) => {
      let [r, x, e] = [1n, ((a % SM2_N) + SM2_N) % SM2_N, SM2_N - 2n];
      for (; e > 0n; e >>= 1n, x = (x * x) % SM2_N) if (e & 1n) r = (r * x) % SM2_N;
      return r;
    };
    const r = 0x1234567890abcdefn;
    // s·(r+s)⁻¹ = d  ⇔  s = d·r/(1−d), so s·G + t·Q = 2t·Q
    const doubled = Buffer.concat([toBytes32(r), toBytes32((d * r * inv(1n - d)) % SM2_N)]);
    expect(s.verify(m, k.publicKey, doubled)).toBe(false);
    expect(smCrypto.doVerifySignature(bytes(m), doubled.toString('hex'), k.pubHex)).toBe(false);
    // s·(r+s)⁻¹ = −d  ⇔  s = −d·r/(1+d), so s·G + t·Q = O (sm-crypto throws here; we refuse)
    const infinity = Buffer.concat([toBytes32(r), toBytes32(((((SM2_N - d) * r) % SM2_N) * inv(1n + d)) % SM2_N)]);
    expect(s.verify(m, k.publicKey, infinity)).toBe(false);
  });

  it('refuses random signatures without throwing', () => {
    const m = messages[1]![1];
    for (let i = 0; i < 50; i++) expect(s.verify(m, k.publicKey, randomBytes(64))).toBe(false);
  });

  it('refuses to sign with d = n − 1, which OpenSSL accepts but SM2 cannot use (1 + d = n)', () => {
    const ecdh = createECDH('SM2');
    const d = toBytes32(SM2_N - 1n);
    ecdh.setPrivateKey(d);
    const pkcs8 = Buffer.concat([
      Buffer.from('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420', 'hex'),
      d,
      Buffer.from('a144034200', 'hex'),
      ecdh.getPublicKey(),
    ]);
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    expect(() => s.sign(Buffer.from('x'), key)).toThrow(expect.objectContaining({ code: 'CRYPTO.KEY_INVALID' }));
  });

  it('verifies with a key whose public half came from JWK, and gives the same point', () => {
    const jwk = exportPublicJwk(k.publicKey);
    const again = createPublicKey({
      key: k.publicKey.export({ format: 'der', type: 'spki' }),
      format: 'der',
      type: 'spki',
    });
    expect(sm2PointOf(again).toString('hex')).toBe(k.pubHex);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'SM2' });
    const m = messages[0]![1];
    expect(sm2Verify(sm2PointOf(again), m, s.sign(m, k.privateKey))).toBe(true);
  });

  it('accepts an `ec` SM2 key as Node generates it, not only the keys the suite makes', () => {
    const generated = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const m = messages[2]![1];
    expect(s.verify(m, generated.publicKey, s.sign(m, generated.privateKey))).toBe(true);
  });
});

describe('platform findings (Node with OpenSSL 3.0) behind sm2.ts', () => {
  const m = Buffer.from('why not crypto.sign');

  it("crypto.sign('sm3') with an `ec` SM2 key is ECDSA, not SM2: no SM2 verifier accepts it", () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const pubHex = sm2PointOf(privateKey).toString('hex');
    const sig = platformSign('sm3', m, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('hex');
    expect(smCrypto.doVerifySignature(bytes(m), sig, pubHex, { hash: true })).toBe(false);
    expect(smCrypto.doVerifySignature(bytes(m), sig, pubHex, { hash: true, userId: '' })).toBe(false);
  });

  it("crypto.sign('sm3') with an SM2 key read from DER is SM2 with an EMPTY identifier, not the default one", () => {
    const k = keyPair();
    const imported = createPrivateKey({
      key: k.privateKey.export({ format: 'der', type: 'pkcs8' }),
      format: 'der',
      type: 'pkcs8',
    });
    expect(imported.asymmetricKeyType).toBeUndefined();
    const der = platformSign('sm3', m, imported).toString('hex');
    expect(smCrypto.doVerifySignature(bytes(m), der, k.pubHex, { der: true, hash: true, userId: '' })).toBe(true);
    expect(smCrypto.doVerifySignature(bytes(m), der, k.pubHex, { der: true, hash: true })).toBe(false);
  });
});
