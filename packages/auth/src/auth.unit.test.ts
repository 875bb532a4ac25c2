import { describe, expect, it } from 'vitest';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
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
