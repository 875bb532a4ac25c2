import { describe, expect, it } from 'vitest';
import {
  audiences,
  generateProvinceKey,
  loadProvinceKey,
  type Principal,
  signToken,
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
