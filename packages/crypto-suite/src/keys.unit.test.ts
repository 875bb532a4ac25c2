import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { sm2 as smCrypto } from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateJwk,
  exportPublicJwk,
  importPrivateJwk,
  importPublicJwk,
  type SuiteId,
  suite,
  suiteIds,
  suiteOfJwk,
  suiteOfKey,
} from './index.js';

const code = (c: string) => expect.objectContaining({ code: c });
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** 32 bytes are 43 base64url characters, 258 bits: flipping the last unused bit decodes the same but is not canonical. */
const withStrayBit = (v: string) => v.slice(0, -1) + ALPHABET[ALPHABET.indexOf(v.at(-1)!) ^ 1];
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe.each(suiteIds)('%s JWK', (id: SuiteId) => {
  const s = suite(id);
  const { publicKey, privateKey } = s.generateKeyPair();

  it('round-trips public and private keys, and the imported keys sign and verify together', () => {
    const pub = exportPublicJwk(publicKey);
    const priv = exportPrivateJwk(privateKey);
    expect(pub).not.toHaveProperty('d');
    expect(priv).toMatchObject(pub);
    expect(suiteOfJwk(pub)).toBe(id);
    expect(suiteOfJwk(priv)).toBe(id);

    const pub2 = importPublicJwk(pub);
    const priv2 = importPrivateJwk(priv);
    expect(suiteOfKey(pub2)).toBe(id);
    expect(pub2.type).toBe('public');
    expect(priv2.type).toBe('private');
    expect(exportPublicJwk(pub2)).toEqual(pub);
    expect(exportPrivateJwk(priv2)).toEqual(priv);

    const m = Buffer.from('省级令牌 province token');
    expect(s.verify(m, pub2, s.sign(m, privateKey))).toBe(true);
    expect(s.verify(m, publicKey, s.sign(m, priv2))).toBe(true);
  });

  it('never accepts a JWK with d where a public key is expected', () => {
    expect(() => importPublicJwk(exportPrivateJwk(privateKey))).toThrow(code('CRYPTO.JWK_PRIVATE_WHERE_PUBLIC'));
    expect(() => importPublicJwk({ ...exportPublicJwk(publicKey), d: '' })).toThrow(
      code('CRYPTO.JWK_PRIVATE_WHERE_PUBLIC'),
    );
  });

  it('refuses a private JWK whose public part is not that of d', () => {
    const other = exportPrivateJwk(s.generateKeyPair().privateKey);
    const mixed = { ...exportPrivateJwk(privateKey), d: other.d };
    expect(() => importPrivateJwk(mixed)).toThrow(code('CRYPTO.JWK_INVALID'));
  });

  it('refuses a public JWK without the private key, missing, short, long, padded or non-canonical members', () => {
    const pub = exportPublicJwk(publicKey) as unknown as Record<string, string>;
    const x = pub.x!;
    const bad: JsonWebKey[] = [
      { ...pub, x: undefined },
      { ...pub, x: x.slice(0, -2) },
      { ...pub, x: `${x}AA` },
      { ...pub, x: `${x}=` },
      { ...pub, x: withStrayBit(x) },
      { ...pub, x: 12 as unknown as string },
      { ...pub, x: x.replaceAll('-', '+') + (x.includes('-') ? '' : '+') },
    ];
    for (const jwk of bad) expect(() => importPublicJwk(jwk), JSON.stringify(jwk)).toThrow(code('CRYPTO.JWK_INVALID'));
    expect(() => importPrivateJwk(pub)).toThrow(code('CRYPTO.JWK_INVALID'));
  });

  it('exports only keys of the right kind', () => {
    expect(() => exportPublicJwk(privateKey)).toThrow(code('CRYPTO.KEY_KIND_MISMATCH'));
    expect(() => exportPrivateJwk(publicKey)).toThrow(code('CRYPTO.KEY_KIND_MISMATCH'));
  });
});

describe('SM2 JWK', () => {
  it('has the form { kty: EC, crv: SM2, x, y[, d] } with 32-byte base64url members', () => {
    const { privateKey } = suite('sm2-sm3').generateKeyPair();
    const jwk = exportPrivateJwk(privateKey);
    expect(Object.keys(jwk).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'SM2' });
    for (const v of Object.values(jwk).slice(2)) expect(Buffer.from(v, 'base64url')).toHaveLength(32);
  });

  it('imports a key pair made by sm-crypto, and the key signs what sm-crypto verifies', () => {
    const { privateKey: dHex, publicKey: pubHex } = smCrypto.generateKeyPairHex();
    const jwk = {
      kty: 'EC',
      crv: 'SM2',
      x: b64(pubHex.slice(2, 66)),
      y: b64(pubHex.slice(66)),
      d: b64(dHex.padStart(64, '0')),
    };
    const key = importPrivateJwk(jwk);
    const m = Buffer.from('由 sm-crypto 生成的密钥');
    const sig = suite('sm2-sm3').sign(m, key).toString('hex');
    expect(smCrypto.doVerifySignature(Array.from(m), sig, pubHex)).toBe(true);
  });

  it('refuses a point off the curve and d out of range (OpenSSL checks the point)', () => {
    const { publicKey, privateKey } = suite('sm2-sm3').generateKeyPair();
    const pub = exportPublicJwk(publicKey) as { x: string; y: string };
    const y = Buffer.from(pub.y, 'base64url');
    y[31]! ^= 1;
    expect(() => importPublicJwk({ ...pub, y: y.toString('base64url') })).toThrow(code('CRYPTO.JWK_INVALID'));
    const priv = exportPrivateJwk(privateKey);
    const n = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
    for (const d of ['00'.repeat(32), n, `${n.slice(0, -2)}22`]) {
      expect(() => importPrivateJwk({ ...priv, d: b64(d) }), d).toThrow(code('CRYPTO.JWK_INVALID'));
    }
  });
});

describe('suite of a JWK or a key', () => {
  it('refuses other key types and curves', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const jwk of [
      p256.publicKey.export({ format: 'jwk' }),
      generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }),
      { kty: 'EC', crv: 'sm2', x: 'AA', y: 'AA' },
      { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
      {},
    ]) {
      expect(() => suiteOfJwk(jwk), JSON.stringify(jwk)).toThrow(code('CRYPTO.JWK_INVALID'));
      expect(() => importPublicJwk(jwk)).toThrow(code('CRYPTO.JWK_INVALID'));
    }
    expect(() => suiteOfJwk(null as unknown as JsonWebKey)).toThrow(code('CRYPTO.JWK_INVALID'));
    for (const key of [
      p256.publicKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
      generateKeyPairSync('ed448').publicKey,
      createSecretKey(Buffer.alloc(32)),
    ]) {
      expect(() => suiteOfKey(key)).toThrow(code('CRYPTO.KEY_SUITE_MISMATCH'));
    }
  });

  it('recognises both faces of an SM2 key in Node (generated `ec`, and read from DER)', () => {
    const generated = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const fromDer = createPrivateKey({ key: generated.privateKey.export({ format: 'pem', type: 'pkcs8' }) });
    expect(generated.privateKey.asymmetricKeyType).toBe('ec');
    expect(fromDer.asymmetricKeyType).toBeUndefined();
    expect(suiteOfKey(generated.privateKey)).toBe('sm2-sm3');
    expect(suiteOfKey(fromDer)).toBe('sm2-sm3');
    expect(suiteOfKey(createPublicKey(fromDer))).toBe('sm2-sm3');
    expect(exportPrivateJwk(fromDer)).toEqual(exportPrivateJwk(generated.privateKey));
  });

  it('keeps Ed25519 JWKs standard (RFC 8037 OKP, as Node exports them)', () => {
    const { publicKey, privateKey } = suite('ed25519-sha256').generateKeyPair();
    expect(exportPublicJwk(publicKey)).toEqual(publicKey.export({ format: 'jwk' }));
    expect(exportPrivateJwk(privateKey)).toEqual(privateKey.export({ format: 'jwk' }));
  });
});
