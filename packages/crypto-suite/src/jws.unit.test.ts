import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type SuiteId, signJws, suite, suiteIds, verifyJws } from './index.js';
import { type JwsKeyResolver, MAX_JWS_LENGTH } from './jws.js';

const code = (c: string) =>
  expect.objectContaining({ code: c, kind: c.startsWith('CRYPTO.JWS') ? 'unauthenticated' : 'invalid' });
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

const keys = {
  'ed25519-sha256': suite('ed25519-sha256').generateKeyPair(),
  'sm2-sm3': suite('sm2-sm3').generateKeyPair(),
} satisfies Record<SuiteId, { publicKey: KeyObject; privateKey: KeyObject }>;

/** The trust list: one key per kid. */
const byKid: Record<string, KeyObject> = {
  'sh-1': keys['ed25519-sha256'].publicKey,
  'zj-1': keys['sm2-sm3'].publicKey,
};
const resolve: JwsKeyResolver = ({ kid }) => byKid[kid];
const kidOf: Record<SuiteId, string> = { 'ed25519-sha256': 'sh-1', 'sm2-sm3': 'zj-1' };

const claims = { sub: 'u-0001', province: 'zj', roles: ['requester'], name: '测试用户' };

describe.each(suiteIds)('%s JWS', (id) => {
  const { privateKey } = keys[id];
  const kid = kidOf[id];
  const token = signJws(claims, privateKey, { kid, suite: id, typ: 'JWT' });

  it('signs and verifies a compact JWS with the suite’s alg', () => {
    const v = verifyJws(token, resolve);
    expect(v.suite).toBe(id);
    expect(v.header).toEqual({ alg: suite(id).jwsAlg, kid, typ: 'JWT' });
    expect(v.payload).toEqual(claims);
    expect(token.split('.')).toHaveLength(3);
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(64);
  });

  it('hands the resolver the kid, alg and suite', () => {
    const seen: unknown[] = [];
    verifyJws(token, (want) => {
      seen.push(want);
      return resolve(want);
    });
    expect(seen).toEqual([{ kid, alg: suite(id).jwsAlg, suite: id }]);
  });

  it('refuses a tampered payload, header or signature', () => {
    const [h, p, sig] = token.split('.') as [string, string, string];
    const otherPayload = b64({ ...claims, roles: ['admin'] });
    const otherHeader = b64({ alg: suite(id).jwsAlg, kid, typ: 'at+jwt' });
    const s = Buffer.from(sig, 'base64url');
    s[10]! ^= 1;
    for (const t of [
      `${h}.${otherPayload}.${sig}`,
      `${otherHeader}.${p}.${sig}`,
      `${h}.${p}.${s.toString('base64url')}`,
    ]) {
      expect(() => verifyJws(t, resolve)).toThrow(code('CRYPTO.JWS_SIGNATURE_INVALID'));
    }
  });

  it('refuses a token signed by another key under the same kid', () => {
    const impostor = suite(id).generateKeyPair().privateKey;
    expect(() => verifyJws(signJws(claims, impostor, { kid, suite: id }), resolve)).toThrow(
      code('CRYPTO.JWS_SIGNATURE_INVALID'),
    );
  });

  it('refuses an unknown kid', () => {
    expect(() => verifyJws(signJws(claims, privateKey, { kid: 'ah-9', suite: id }), resolve)).toThrow(
      code('CRYPTO.JWS_KEY_UNKNOWN'),
    );
  });

  it('refuses to sign with a key of the other suite or a public key', () => {
    const other = keys[id === 'sm2-sm3' ? 'ed25519-sha256' : 'sm2-sm3'].privateKey;
    expect(() => signJws(claims, other, { kid, suite: id })).toThrow(code('CRYPTO.KEY_SUITE_MISMATCH'));
    expect(() => signJws(claims, keys[id].publicKey, { kid, suite: id })).toThrow(code('CRYPTO.KEY_KIND_MISMATCH'));
    expect(() => signJws(claims, privateKey, { kid: '', suite: id })).toThrow(code('CRYPTO.KID_INVALID'));
  });
});

describe('JWS refusals', () => {
  const ed = signJws(claims, keys['ed25519-sha256'].privateKey, { kid: 'sh-1', suite: 'ed25519-sha256' });
  const [, edPayload, edSig] = ed.split('.') as [string, string, string];

  it("refuses alg 'none', unknown and missing algs, whatever the signature", () => {
    for (const alg of ['none', 'None', 'HS256', 'ES256', 'SM2', 'sm2sm3', undefined, 7, null]) {
      const header = b64({ alg, kid: 'sh-1' });
      for (const sig of ['', edSig]) {
        expect(() => verifyJws(`${header}.${edPayload}.${sig}`, resolve), String(alg)).toThrow(
          code('CRYPTO.JWS_ALG_REFUSED'),
        );
      }
    }
  });

  it('refuses an alg that does not match the key the kid names (both directions)', () => {
    // an SM2SM3 header naming the Ed25519 kid, and an EdDSA header naming the SM2 kid
    const sm2 = signJws(claims, keys['sm2-sm3'].privateKey, { kid: 'sh-1', suite: 'sm2-sm3' });
    const edForSm2Kid = signJws(claims, keys['ed25519-sha256'].privateKey, { kid: 'zj-1', suite: 'ed25519-sha256' });
    for (const t of [sm2, edForSm2Kid]) expect(() => verifyJws(t, resolve)).toThrow(code('CRYPTO.JWS_KEY_MISMATCH'));
  });

  it('refuses a resolver that returns a private key or a key of a foreign kind', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    for (const key of [keys['ed25519-sha256'].privateKey, p256]) {
      expect(() => verifyJws(ed, () => key)).toThrow(code('CRYPTO.JWS_KEY_MISMATCH'));
    }
  });

  it('refuses malformed tokens with a typed error, never a crash', () => {
    const header = b64({ alg: 'EdDSA', kid: 'sh-1' });
    const malformed: unknown[] = [
      undefined,
      null,
      42,
      {},
      '',
      '.',
      '..',
      ed.split('.').slice(0, 2).join('.'),
      `${ed}.`,
      `${ed}.${edSig}`,
      `${header}.${edPayload}.${edSig}=`,
      `${header}.${edPayload}.${edSig.replace(/.$/, '+')}`,
      `${header}.${edPayload}.`,
      `${b64('not json')}.${edPayload}.${edSig}`,
      `${b64([1, 2])}.${edPayload}.${edSig}`,
      `${b64('null')}.${edPayload}.${edSig}`,
      `${b64({ alg: 'EdDSA' })}.${edPayload}.${edSig}`,
      `${b64({ alg: 'EdDSA', kid: '' })}.${edPayload}.${edSig}`,
      `${b64({ alg: 'EdDSA', kid: 5 })}.${edPayload}.${edSig}`,
      `${b64({ alg: 'EdDSA', kid: 'k'.repeat(300) })}.${edPayload}.${edSig}`,
      `${b64({ alg: 'EdDSA', kid: 'sh-1', crit: ['b64'], b64: false })}.${edPayload}.${edSig}`,
      `${b64({ alg: 'EdDSA', kid: 'sh-1', typ: 1 })}.${edPayload}.${edSig}`,
      `${header}.${edPayload}.${'A'.repeat(MAX_JWS_LENGTH)}`,
      `${header}.${edPayload}.${edSig}`.replace(/^./, '*'),
    ];
    for (const t of malformed) {
      expect(() => verifyJws(t, resolve), String(t).slice(0, 80)).toThrow(code('CRYPTO.JWS_MALFORMED'));
    }
  });

  it('refuses a validly signed payload that is not a JSON object', () => {
    for (const payload of ['[1]', '"text"', 'null', 'not json']) {
      const header = b64({ alg: 'EdDSA', kid: 'sh-1' });
      const input = `${header}.${b64(payload)}`;
      const sig = suite('ed25519-sha256').sign(Buffer.from(input), keys['ed25519-sha256'].privateKey);
      expect(() => verifyJws(`${input}.${sig.toString('base64url')}`, resolve), payload).toThrow(
        code('CRYPTO.JWS_MALFORMED'),
      );
    }
  });
});

describe('EdDSA compatibility with jose (what province tokens use today)', () => {
  const { privateKey, publicKey } = keys['ed25519-sha256'];

  it('jose jwtVerify accepts a token from signJws', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signJws({ ...claims, iss: 'yrd:zj', aud: 'yrd:api', iat: now, exp: now + 60 }, privateKey, {
      kid: 'sh-1',
      suite: 'ed25519-sha256',
      typ: 'JWT',
    });
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { issuer: 'yrd:zj', audience: 'yrd:api' });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: 'sh-1', typ: 'JWT' });
    expect(payload).toMatchObject(claims);
  });

  it('verifyJws accepts a token from jose SignJWT', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'sh-1' })
      .setIssuer('yrd:zj')
      .setIssuedAt()
      .sign(privateKey);
    const v = verifyJws(token, resolve);
    expect(v.header).toEqual({ alg: 'EdDSA', kid: 'sh-1' });
    expect(v.payload).toMatchObject({ ...claims, iss: 'yrd:zj' });
  });

  it('jose refuses the SM2 token (it knows no SM2 alg), so SM2 tokens must go through verifyJws', async () => {
    const token = signJws(claims, keys['sm2-sm3'].privateKey, { kid: 'zj-1', suite: 'sm2-sm3' });
    await expect(jwtVerify(token, createPublicKey(privateKey))).rejects.toThrow();
    expect(verifyJws(token, resolve).payload).toEqual(claims);
  });
});
