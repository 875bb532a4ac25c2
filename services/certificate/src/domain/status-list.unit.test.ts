import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateSigner, testVerifier } from '../testing/suites.js';
import { provinceKey } from '../testing/world.js';
import { CertificateDomainError } from './errors.js';
import {
  allocateIndex,
  decodeBitstring,
  encodeBitstring,
  getBit,
  minStatusListSize,
  newBitstring,
  readStatusBit,
  signStatusList,
  withBit,
} from './status-list.js';
import { suites } from './suite.js';

describe('bitstring', () => {
  it('has at least 131,072 entries', () => {
    expect(newBitstring().length * 8).toBe(minStatusListSize);
    expect(() => newBitstring(1024)).toThrow(RangeError);
    expect(() => newBitstring(minStatusListSize + 3)).toThrow(RangeError);
  });

  it('numbers bits from the most significant bit of the first byte (W3C order) and stays immutable', () => {
    const empty = newBitstring();
    const bits = withBit(withBit(empty, 0, true), 9, true);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(getBit(bits, 0) && getBit(bits, 9) && !getBit(bits, 1)).toBe(true);
    expect(getBit(empty, 0)).toBe(false);
    expect(getBit(withBit(bits, 9, false), 9)).toBe(false);
    expect(() => getBit(bits, minStatusListSize)).toThrow(RangeError);
  });

  it('encodes as gzip + base64url, small when sparse, and decodes to the same bits', () => {
    let bits = newBitstring();
    for (const i of [7, 1000, 131_071]) bits = withBit(bits, i, true);
    const encoded = encodeBitstring(bits);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded.length).toBeLessThan(400);
    expect(decodeBitstring(encoded, minStatusListSize)).toEqual(bits);
  });

  it('refuses a list that inflates beyond its size, or is not gzip', () => {
    const bomb = Buffer.from(gzipSync(new Uint8Array(minStatusListSize))).toString('base64url');
    expect(decodeBitstring(bomb, minStatusListSize)).toBeUndefined();
    expect(decodeBitstring('bm90LWd6aXA', minStatusListSize)).toBeUndefined();
    expect(decodeBitstring('!!', minStatusListSize)).toBeUndefined();
  });
});

describe('random index allocation', () => {
  it('draws indexes at random, never a taken one', () => {
    const taken = new Set<number>();
    let state = 12345;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let i = 0; i < 500; i++) taken.add(allocateIndex(minStatusListSize, (x) => taken.has(x), random));
    expect(taken.size).toBe(500);
    const sorted = [...taken].sort((a, b) => a - b);
    // not sequential: spread over the whole list
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBeGreaterThan(minStatusListSize / 2);
  });

  it('finds the last free bit by scanning when draws keep hitting taken ones', () => {
    expect(
      allocateIndex(
        minStatusListSize,
        (x) => x !== 77,
        () => 5,
      ),
    ).toBe(77);
  });

  it('refuses when the list is full', () => {
    expect(() =>
      allocateIndex(
        minStatusListSize,
        () => true,
        () => 0,
      ),
    ).toThrow(CertificateDomainError);
    try {
      allocateIndex(
        minStatusListSize,
        () => true,
        () => 0,
      );
    } catch (e) {
      expect((e as CertificateDomainError).code).toBe('CERT.STATUS_LIST_FULL');
    }
  });
});

describe.each(suites)('signed status lists on %s', (suite) => {
  const root = generateSigner(suite, 'zj-root-1');
  const keys = [provinceKey('zj', root)];
  const list = (bits = withBit(newBitstring(), 4242, true)) =>
    signStatusList(root, {
      province: 'zj',
      list: 'zj-1',
      purpose: 'revocation',
      size: minStatusListSize,
      encodedList: encodeBitstring(bits),
      issuedAt: 1_796_000_000,
      validUntil: 1_796_003_600,
    });
  const want = { province: 'zj' as const, list: 'zj-1', purpose: 'revocation' as const, index: 4242 };

  it('reads a bit from a list the province signed', () => {
    expect(readStatusBit(list(), want, keys, testVerifier)).toEqual({
      ok: true,
      set: true,
      issuedAt: 1_796_000_000,
      validUntil: 1_796_003_600,
    });
    expect(readStatusBit(list(), { ...want, index: 4243 }, keys, testVerifier)).toMatchObject({ ok: true, set: false });
  });

  it('refuses a tampered list, an untrusted signer, the wrong list and an index outside', () => {
    const [h, p, s] = list().split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    payload.encodedList = encodeBitstring(newBitstring());
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect(readStatusBit(tampered, want, keys, testVerifier)).toMatchObject({
      ok: false,
      reason: { en: 'the status list signature is invalid' },
    });
    const stranger = [provinceKey('zj', generateSigner(suite, 'zj-root-2'))];
    expect(readStatusBit(list(), want, stranger, testVerifier)).toMatchObject({ ok: false });
    expect(readStatusBit(list(), { ...want, purpose: 'suspension' }, keys, testVerifier)).toMatchObject({ ok: false });
    expect(readStatusBit(list(), { ...want, index: minStatusListSize }, keys, testVerifier)).toMatchObject({
      ok: false,
    });
    expect(readStatusBit('garbage', want, keys, testVerifier)).toMatchObject({ ok: false });
  });
});
