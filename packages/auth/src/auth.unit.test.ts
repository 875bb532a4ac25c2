import type { JsonWebKey } from 'node:crypto';
import { signJws } from '@yrd/crypto-suite';
import { describe, expect, it } from 'vitest';
import {
  anchorsFrom,
  audiences,
  generateProvinceKey,
  keySuite,
  loadProvinceKey,
  type Principal,
  parseTrustAnchors,
  provinceSuite,
  signToken,
  TokenMinter,
  TokenVerifier,
  type TrustList,
} from './index.js';

const keys = {
  sh: generateProvinceKey('sh'),
  js: generateProvinceKey('js'),
  zj: generateProvinceKey('zj'),
  ah: generateProvinceKey('ah'),
};
const trust = Object.fromEntries(Object.entries(keys).map(([p, k]) => [p, k.publicJwk])) as TrustList;
const user = (o: Partial<Principal> = {}): Principal => ({
  sub: 'sh-rsj-requester',
  name: '测试',
  province: 'sh',
  agency: '11310000002418728Y',
  roles: ['requester'],
  kind: 'government',
  ...o,
});
const sign = (p: Principal, audience: string = audiences.user, ttlSeconds = 600, province = p.province) =>
  signToken(loadProvinceKey(province, keys[province].privateJwk), p, { audience, ttlSeconds });

describe('tokens across the region', () => {
  it('accepts a token signed by the province it names', async () => {
    const v = new TokenVerifier(trust, 'sh');
    expect(await v.verifyUser(await sign(user()))).toMatchObject({
      sub: 'sh-rsj-requester',
      province: 'sh',
      roles: ['requester'],
    });
  });

  it.each([
    [
      'another province’s user at this origin',
      () => sign(user({ sub: 'zj-x', province: 'zj' })),
      'AUTH.WRONG_PROVINCE',
    ],
    ['an expired token', () => sign(user(), audiences.user, -10), 'AUTH.TOKEN_EXPIRED'],
    ['a token for another audience', () => sign(user(), audiences.exchange('zj')), 'AUTH.TOKEN_INVALID'],
    ['garbage', async () => 'not.a.jwt', 'AUTH.TOKEN_INVALID'],
  ])('refuses %s', async (_what, make, code) => {
    await expect(new TokenVerifier(trust, 'sh').verifyUser(await make())).rejects.toMatchObject({ code });
  });

  it('refuses a token that claims one province but is signed by another', async () => {
    const forged = await sign(user({ province: 'sh' }), audiences.user, 600, 'sh');
    const [h, , sig] = forged.split('.');
    const zjSigned = await sign(user({ sub: 'zj-x', province: 'zj' }));
    const [, body] = zjSigned.split('.');
    await expect(new TokenVerifier(trust).verifyUser(`${h}.${body}.${sig}`)).rejects.toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
    });
  });

  it('will not let a province sign for another province’s user', async () => {
    await expect(sign(user({ province: 'zj' }), audiences.user, 600, 'sh')).rejects.toThrow(/cannot sign/);
  });

  it('refuses a member province missing from the trust list', async () => {
    const { ah: _ah, ...partial } = trust;
    const v = new TokenVerifier(partial as TrustList);
    await expect(v.verifyUser(await sign(user({ sub: 'ah-x', province: 'ah' })))).rejects.toMatchObject({
      code: 'AUTH.UNTRUSTED_ISSUER',
    });
  });
});

describe('tokens verified once, requester tokens signed once', () => {
  const shKey = () => loadProvinceKey('sh', keys.sh.privateJwk);

  it('answers a token seen before without checking it again, and still refuses it once expired', async () => {
    let now = Date.now();
    const v = new TokenVerifier(trust, 'sh', { now: () => now });
    const token = await signToken(shKey(), user(), { audience: audiences.user, ttlSeconds: 60, now: new Date(now) });
    const first = await v.verifyUser(token);
    expect(await v.verifyUser(token)).toBe(first);
    // what every caller shares cannot be changed by one of them
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
    now += 61_000;
    await expect(v.verifyUser(token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('keeps the audience and the province checks for a token seen before', async () => {
    const v = new TokenVerifier(trust);
    const token = await sign(user(), audiences.exchange('zj'));
    await v.verify(token, audiences.exchange('zj'), { expectProvince: 'sh' });
    await expect(v.verify(token, audiences.exchange('js'))).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    await expect(v.verify(token, audiences.exchange('zj'), { expectProvince: 'ah' })).rejects.toMatchObject({
      code: 'AUTH.WRONG_PROVINCE',
    });
  });

  it('does not take a changed token for the one it verified', async () => {
    const v = new TokenVerifier(trust, 'sh');
    const token = await sign(user());
    await v.verifyUser(token);
    const [h, body, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    await expect(v.verifyUser(`${h}.${raised}.${sig}`)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('holds at most as many verified tokens as it is told, and verifies a let-go token again', async () => {
    const v = new TokenVerifier(trust, 'sh', { maxVerified: 2 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => sign(user({ sub }))));
    for (const t of tokens) await v.verifyUser(t);
    expect((await v.verifyUser(tokens[0] as string)).sub).toBe('a');
  });

  it('sends the same requester token while half its life is left, then a new one', async () => {
    let now = Date.now();
    const minter = new TokenMinter(shKey(), { ttlSeconds: 60, now: () => now });
    const v = new TokenVerifier(trust, undefined, { now: () => now });
    const aud = audiences.exchange('zj');
    const first = await minter.token(user(), aud);
    expect(await minter.token(user({ roles: ['requester'] }), aud)).toBe(first);
    // another user, another audience: another token
    expect(await minter.token(user({ sub: 'sh-other' }), aud)).not.toBe(first);
    expect(await minter.token(user(), audiences.exchange('js'))).not.toBe(first);
    now += 31_000;
    const renewed = await minter.token(user(), aud);
    expect(renewed).not.toBe(first);
    expect((await v.verify(renewed, aud)).sub).toBe('sh-rsj-requester');
  });
});

describe('a region of two suites (国密 sm2-sm3 and ed25519-sha256)', () => {
  // 上海 on sm2-sm3, the others on ed25519-sha256
  const mixed = { ...keys, sh: generateProvinceKey('sh', 'sm2-sm3') };
  const mixedTrust = Object.fromEntries(Object.entries(mixed).map(([p, k]) => [p, k.publicJwk])) as TrustList;
  const signIn = (p: Principal, audience: string = audiences.user, ttlSeconds = 600) =>
    signToken(loadProvinceKey(p.province, mixed[p.province].privateJwk), p, { audience, ttlSeconds });

  it('generates an SM2 province key as an SM2 JWK, and says each key’s suite', () => {
    expect(mixed.sh.publicJwk).toMatchObject({ kty: 'EC', crv: 'SM2', kid: 'sh-1' });
    expect(mixed.sh.publicJwk).not.toHaveProperty('d');
    expect(provinceSuite(loadProvinceKey('sh', mixed.sh.privateJwk))).toBe('sm2-sm3');
    expect(provinceSuite(loadProvinceKey('zj', mixed.zj.privateJwk))).toBe('ed25519-sha256');
    const anchors = parseTrustAnchors(anchorsFrom(mixedTrust, '2026-01-01T00:00:00.000Z'));
    expect(anchors.provinces.sh.keys.map(keySuite)).toEqual(['sm2-sm3']);
    expect(anchors.provinces.js.keys.map(keySuite)).toEqual(['ed25519-sha256']);
  });

  it('signs an SM2 province’s tokens as SM2SM3 JWS and an Ed25519 province’s as EdDSA, as before', async () => {
    const sm2 = await signIn(user());
    const ed = await signIn(user({ sub: 'zj-x', province: 'zj' }));
    const alg = (t: string) => JSON.parse(Buffer.from(t.split('.')[0] ?? '', 'base64url').toString()).alg;
    expect([alg(sm2), alg(ed)]).toEqual(['SM2SM3', 'EdDSA']);
  });

  it('an ed25519 province accepts an sm2 province’s requester token, and the sm2 province an ed25519 one', async () => {
    const atZj = new TokenVerifier(mixedTrust, 'zj');
    const fromSh = await signIn(user(), audiences.exchange('zj'));
    expect(await atZj.verify(fromSh, audiences.exchange('zj'), { expectProvince: 'sh' })).toMatchObject({
      sub: 'sh-rsj-requester',
      province: 'sh',
    });
    const atSh = new TokenVerifier(mixedTrust, 'sh');
    const fromJs = await signIn(user({ sub: 'js-x', province: 'js' }), audiences.exchange('sh'));
    expect((await atSh.verify(fromJs, audiences.exchange('sh'))).province).toBe('js');
    // and the sm2 province's own users at its origin
    expect((await atSh.verifyUser(await signIn(user()))).sub).toBe('sh-rsj-requester');
  });

  it.each([
    ['an expired SM2 token', () => signIn(user(), audiences.user, -10), 'AUTH.TOKEN_EXPIRED'],
    ['an SM2 token for another audience', () => signIn(user(), audiences.exchange('zj')), 'AUTH.TOKEN_INVALID'],
  ])('refuses %s', async (_what, make, code) => {
    await expect(new TokenVerifier(mixedTrust, 'sh').verifyUser(await make())).rejects.toMatchObject({ code });
  });

  it('refuses an SM2 token whose claims were changed after signing', async () => {
    const token = await signIn(user());
    const [h, body, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    await expect(new TokenVerifier(mixedTrust, 'sh').verifyUser(`${h}.${raised}.${sig}`)).rejects.toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
      cause: { code: 'CRYPTO.JWS_SIGNATURE_INVALID' },
    });
  });

  it('refuses a token whose alg is not its province key’s suite, either way', async () => {
    // 上海's Ed25519 token where the trust list holds its SM2 key, and the reverse
    const edToken = await sign(user());
    await expect(new TokenVerifier(mixedTrust, 'sh').verifyUser(edToken)).rejects.toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
      cause: { code: 'CRYPTO.JWS_KEY_MISMATCH' },
    });
    const smToken = await signIn(user());
    await expect(new TokenVerifier(trust, 'sh').verifyUser(smToken)).rejects.toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
    });
    // an SM2SM3 header put on an Ed25519 signature
    const [, body, sig] = edToken.split('.') as [string, string, string];
    const relabelled = Buffer.from(JSON.stringify({ alg: 'SM2SM3', kid: 'sh-1' })).toString('base64url');
    await expect(new TokenVerifier(trust, 'sh').verifyUser(`${relabelled}.${body}.${sig}`)).rejects.toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
    });
  });

  it('refuses an SM2 token not yet valid (nbf) and one without exp', async () => {
    const key = loadProvinceKey('sh', mixed.sh.privateJwk);
    const now = Math.floor(Date.now() / 1000);
    const base = { ...user(), iss: 'yrd:sh', aud: audiences.user, iat: now };
    const early = signJws({ ...base, exp: now + 600, nbf: now + 300 }, key.privateKey, {
      kid: 'sh-1',
      suite: 'sm2-sm3',
    });
    const endless = signJws(base, key.privateKey, { kid: 'sh-1', suite: 'sm2-sm3' });
    for (const t of [early, endless]) {
      await expect(new TokenVerifier(mixedTrust, 'sh').verifyUser(t)).rejects.toMatchObject({
        code: 'AUTH.TOKEN_INVALID',
      });
    }
  });

  it('mints an sm2 province’s requester tokens once per half-life, as an ed25519 province’s', async () => {
    let now = Date.now();
    const minter = new TokenMinter(loadProvinceKey('sh', mixed.sh.privateJwk), { ttlSeconds: 60, now: () => now });
    const aud = audiences.exchange('zj');
    const first = await minter.token(user(), aud);
    expect(await minter.token(user(), aud)).toBe(first);
    now += 31_000;
    const renewed = await minter.token(user(), aud);
    expect(renewed).not.toBe(first);
    const atZj = new TokenVerifier(mixedTrust, 'zj', { now: () => now });
    expect((await atZj.verify(renewed, aud)).sub).toBe('sh-rsj-requester');
  });

  it('checks a token against the key its kid names in the trust list, in either suite', async () => {
    for (const p of ['sh', 'zj'] as const) {
      const renamed = loadProvinceKey(p, { ...mixed[p].privateJwk, kid: `${p}-9` } as JsonWebKey);
      const token = await signToken(renamed, user({ sub: `${p}-x`, province: p }), {
        audience: audiences.user,
        ttlSeconds: 600,
      });
      await expect(new TokenVerifier(mixedTrust, p).verifyUser(token)).rejects.toMatchObject({
        code: 'AUTH.TOKEN_INVALID',
        message: expect.stringContaining(`not ${p}'s in the trust list`),
      });
    }
  });

  it('refuses an SM2 JWK carrying its private part in a trust list, and a key of another curve', () => {
    const withPrivate = { ...mixedTrust, sh: mixed.sh.privateJwk } as TrustList;
    expect(() => parseTrustAnchors(withPrivate)).toThrow(/public keys only/);
    const p256 = { ...mixedTrust, sh: { kty: 'EC', crv: 'P-256', x: mixed.sh.publicJwk.x, y: mixed.sh.publicJwk.y } };
    expect(() => parseTrustAnchors(p256)).toThrow(TypeError);
  });
});
