import type { JsonWebKey } from 'node:crypto';
import { anchorsFrom, generateProvinceKey, type TrustList } from '@yrd/auth';
import { provinces } from '@yrd/region';
import { describe, expect, it } from 'vitest';
import { auditOptionsSchema, parseAuditOptions } from './options.js';

const trustList = Object.fromEntries(provinces.map((p) => [p, generateProvinceKey(p).publicJwk])) as TrustList;

describe('the audit service’s options', () => {
  it.each([
    ['none', {}],
    ['undefined', undefined],
    [
      'every option',
      {
        headEvery: 1,
        trust: trustList,
        headIntervalMs: 100,
        verifyEveryMs: 0,
        verifyFirstAfterMs: 0,
        stallGraceMs: 0,
        stateBeatMs: 50,
        retry: { firstMs: 10, maxMs: 10 },
      },
    ],
    ['a trust list of version 2', { trust: anchorsFrom(trustList, '2020-01-01T00:00:00.000Z') }],
  ])('accepts %s', (_what, options) => {
    expect(() => parseAuditOptions(options)).not.toThrow();
  });

  it('keeps the trust list as given (the service reads either version itself)', () => {
    expect(parseAuditOptions({ trust: trustList }).trust).toEqual(trustList);
  });

  const { d: _none, ...withPrivate } = generateProvinceKey('sh').privateJwk as JsonWebKey & { d?: string };
  it.each([
    ['headEvery', { headEvery: 0 }],
    ['headEvery', { headEvery: 1.5 }],
    ['headIntervalMs', { headIntervalMs: 0 }],
    ['headIntervalMs', { headIntervalMs: '100' }],
    ['verifyEveryMs', { verifyEveryMs: -1 }],
    ['verifyFirstAfterMs', { verifyFirstAfterMs: Number.NaN }],
    ['stallGraceMs', { stallGraceMs: 2 ** 31 }],
    ['stateBeatMs', { stateBeatMs: 0 }],
    ['retry.firstMs', { retry: { firstMs: 0, maxMs: 10 } }],
    ['retry.maxMs', { retry: { firstMs: 100, maxMs: 10 } }],
    ['trust', { trust: 'sh,zj' }],
    ['trust', { trust: { sh: trustList.sh } }],
    // a private key part must not travel in a trust list
    ['trust', { trust: { ...trustList, sh: generateProvinceKey('sh').privateJwk } }],
    ['trust', { trust: { ...trustList, sh: { ...withPrivate, crv: 'X25519' } } }],
  ])('refuses a wrong %s, naming it', (field, options) => {
    expect(auditOptionsSchema.safeParse(options).success).toBe(false);
    expect(() => parseAuditOptions(options)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringMatching(
          new RegExp(`^审计服务选项无效 invalid audit service options:\\n {2}${field.replace('.', '\\.')}: `),
        ),
      }),
    );
  });
});
