import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { AppError } from '@yrd/errors';
import { describe, expect, it } from 'vitest';
import { isSuiteId, type SuiteId, suite, suiteIds } from './index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** RFC 6962 §2.1 MTH over raw entries, written out from the RFC with the suite's two hashes. */
function mth(id: SuiteId, entries: Uint8Array[]): Buffer {
  const s = suite(id);
  if (entries.length === 0) return s.emptyRoot;
  if (entries.length === 1) return s.leafHash(entries[0]!);
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  return s.nodeHash(mth(id, entries.slice(0, k)), mth(id, entries.slice(k)));
}

describe('suite ids', () => {
  it('knows exactly the two suites', () => {
    expect(suiteIds).toEqual(['ed25519-sha256', 'sm2-sm3']);
    expect(isSuiteId('sm2-sm3')).toBe(true);
    expect(isSuiteId('ed25519-sha256')).toBe(true);
    for (const v of ['SM2-SM3', 'sm2', 'rsa', '', null, 1, {}]) expect(isSuiteId(v)).toBe(false);
  });

  it('refuses an unknown suite with a typed error', () => {
    expect(() => suite('p256-sha256' as SuiteId)).toThrow(
      expect.objectContaining({ code: 'CRYPTO.UNKNOWN_SUITE', kind: 'invalid' }),
    );
  });

  it('names its hash and JWS alg', () => {
    expect(suite('ed25519-sha256')).toMatchObject({ hashName: 'sha256', jwsAlg: 'EdDSA' });
    expect(suite('sm2-sm3')).toMatchObject({ hashName: 'sm3', jwsAlg: 'SM2SM3' });
  });
});

describe('SM3 (GM/T 0004-2012 appendix A)', () => {
  const sm3 = suite('sm2-sm3');
  it('example 1: "abc"', () => {
    expect(hex(sm3.hash(Buffer.from('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  it('example 2: "abcd" × 16 (64 bytes, two blocks with padding)', () => {
    expect(hex(sm3.hash(Buffer.from('abcd'.repeat(16))))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });
  it('hashes 32 bytes out', () => {
    expect(sm3.hash(Buffer.alloc(0))).toHaveLength(32);
  });
});

describe('Merkle hashing', () => {
  // The RFC 6962 test inputs used by Certificate Transparency implementations, and their roots.
  const entries = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ].map((h) => Buffer.from(h, 'hex'));
  const sha256Roots = [
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it('ed25519-sha256 gives the RFC 6962 SHA-256 roots the audit log computes today (sizes 0–8)', () => {
    sha256Roots.forEach((root, size) => {
      expect(hex(mth('ed25519-sha256', entries.slice(0, size))), `size ${size}`).toBe(root);
    });
  });

  it('ed25519-sha256 leaf and node hashes are SHA-256 with the 0x00 / 0x01 prefixes', () => {
    const s = suite('ed25519-sha256');
    expect(hex(s.leafHash(Buffer.alloc(0)))).toBe(sha256Roots[1]);
    expect(hex(s.nodeHash(s.leafHash(entries[0]!), s.leafHash(entries[1]!)))).toBe(sha256Roots[2]);
  });

  it('sm2-sm3 hashes the same tree with SM3 (values checked against sm-crypto’s SM3)', () => {
    const s = suite('sm2-sm3');
    expect(hex(s.emptyRoot)).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
    expect(hex(s.leafHash(Buffer.alloc(0)))).toBe('2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf');
    expect(hex(mth('sm2-sm3', entries.slice(0, 2)))).toBe(
      '0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d',
    );
    // a log keeps its hash: the same entries give a different root under the other suite
    expect(hex(mth('sm2-sm3', entries))).not.toBe(sha256Roots[8]);
  });
});

describe.each(suiteIds)('%s signatures', (id) => {
  const s = suite(id);
  const { publicKey, privateKey } = s.generateKeyPair();
  const other = s.generateKeyPair();
  const messages = ['', 'signed tree head 签名树头', '长三角政务数据共享交换平台'.repeat(40)].map((m) =>
    Buffer.from(m),
  );

  it('signs 64 bytes and verifies', () => {
    for (const m of messages) {
      const sig = s.sign(m, privateKey);
      expect(sig).toHaveLength(64);
      expect(s.verify(m, publicKey, sig)).toBe(true);
    }
  });

  it('refuses a tampered message, a tampered signature, a wrong key and a wrong length', () => {
    const m = messages[1]!;
    const sig = s.sign(m, privateKey);
    expect(s.verify(Buffer.concat([m, Buffer.from([0])]), publicKey, sig)).toBe(false);
    for (const i of [0, 31, 32, 63]) {
      const bad = Buffer.from(sig);
      bad[i]! ^= 0x01;
      expect(s.verify(m, publicKey, bad), `byte ${i}`).toBe(false);
    }
    expect(s.verify(m, other.publicKey, sig)).toBe(false);
    expect(s.verify(m, publicKey, sig.subarray(0, 63))).toBe(false);
    expect(s.verify(m, publicKey, Buffer.concat([sig, Buffer.from([0])]))).toBe(false);
    expect(s.verify(m, publicKey, Buffer.alloc(64))).toBe(false);
    expect(s.verify(m, publicKey, Buffer.alloc(64, 0xff))).toBe(false);
  });

  it('refuses keys of the other suite, of another kind, and public/private mix-ups', () => {
    const otherSuite = suite(id === 'sm2-sm3' ? 'ed25519-sha256' : 'sm2-sm3').generateKeyPair();
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const m = messages[0]!;
    const sig = s.sign(m, privateKey);
    for (const key of [otherSuite.privateKey, p256.privateKey]) {
      expect(() => s.sign(m, key)).toThrow(expect.objectContaining({ code: 'CRYPTO.KEY_SUITE_MISMATCH' }));
    }
    for (const key of [otherSuite.publicKey, p256.publicKey]) {
      expect(() => s.verify(m, key, sig)).toThrow(expect.objectContaining({ code: 'CRYPTO.KEY_SUITE_MISMATCH' }));
    }
    expect(() => s.sign(m, publicKey)).toThrow(expect.objectContaining({ code: 'CRYPTO.KEY_KIND_MISMATCH' }));
    expect(() => s.verify(m, privateKey, sig)).toThrow(expect.objectContaining({ code: 'CRYPTO.KEY_KIND_MISMATCH' }));
  });

  it('signs with a key loaded again from its DER form (no per-object state needed)', () => {
    const again = createPrivateKey({
      key: privateKey.export({ format: 'der', type: 'pkcs8' }),
      format: 'der',
      type: 'pkcs8',
    });
    expect(s.verify(messages[1]!, publicKey, s.sign(messages[1]!, again))).toBe(true);
  });

  it('its refusals are AppErrors with bilingual messages', () => {
    try {
      s.sign(messages[0]!, publicKey);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toMatch(/[\u4e00-\u9fff].* [a-z]/);
    }
  });
});
