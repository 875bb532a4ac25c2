import { describe, expect, it } from 'vitest';
import { isValidCreditCode, makeCreditCode } from './credit-code.js';
import { isValidIdNumber, makeIdNumber } from './id-number.js';
import { defaultPorts, provinceOfResourceId } from './provinces.js';

describe('统一社会信用代码 (GB 32100)', () => {
  it.each([
    ['91350100M000100Y43', true], // published example code
    ['91350100M000100Y44', false], // wrong check character
    ['91350100M000100Y4', false], // too short
    ['91350100M000100I43', false], // I is not in the alphabet
  ])('%s → %s', (code, ok) => expect(isValidCreditCode(code)).toBe(ok));

  it('builds codes that validate', () => {
    const c = makeCreditCode('11', '330000', '00250201X');
    expect(c).toHaveLength(18);
    expect(isValidCreditCode(c)).toBe(true);
  });
});

describe('居民身份证号码 (GB 11643)', () => {
  it.each([
    ['11010519491231002X', true], // the standard's example
    ['110105194912310021', false],
    ['1101051949123100', false],
  ])('%s → %s', (id, ok) => expect(isValidIdNumber(id)).toBe(ok));

  it('builds synthetic numbers that validate', () =>
    expect(isValidIdNumber(makeIdNumber('310101', '19900101', '123'))).toBe(true));
});

describe('province defaults', () => {
  it('puts 浙江 on 7330 with services after it', () => {
    const p = defaultPorts('zj');
    expect(p.edge).toBe(7330);
    expect(p.http.catalog).toBe(7331);
    expect(p.grpc.audit).toBe(7338);
    expect(p.admin).toEqual({
      edge: 8330,
      catalog: 8331,
      consent: 8332,
      exchange: 8333,
      audit: 8334,
      certificate: 8335,
    });
    // the certificate service came fifth: HTTP after the gRPC ports, gRPC 1000 above it
    expect(p.http.certificate).toBe(7339);
    expect(p.grpc.certificate).toBe(8339);
  });
  it('gives every listener of the four provinces its own port', () => {
    const all = (['sh', 'js', 'zj', 'ah'] as const).flatMap((pr) => {
      const p = defaultPorts(pr);
      return [p.edge, ...Object.values(p.http), ...Object.values(p.grpc), ...Object.values(p.admin)];
    });
    expect(new Set(all).size).toBe(all.length);
  });
  it('reads the provider province off a resource id', () => {
    expect(provinceOfResourceId('zj.330000-SCJG-00001')).toBe('zj');
    expect(provinceOfResourceId('xx.1')).toBeUndefined();
  });
});
