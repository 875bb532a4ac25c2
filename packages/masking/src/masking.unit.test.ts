import { describe, expect, it } from 'vitest';
import { isMaskProfile, type MaskProfile, mask, maskProfiles, maskRecord, parseMaskProfile } from './masking.js';

// Synthetic values only.
const ID = '310101199001011234';
const PHONE = '13812345678';
const CREDIT = '91330000MA27U8XQ1X';
const ADDRESS = '上海市浦东新区世纪大道100号';

describe('mask', () => {
  it.each<[string, MaskProfile, string]>([
    [ID, 'id_number', '310***********1234'],
    ['31010119900101123X', 'id_number', '310***********123X'],
    ['张三', 'name', '张*'],
    ['张三丰', 'name', '张**'],
    ['欧阳娜娜', 'name', '欧阳**'],
    ['𠮷野家', 'name', '𠮷**'],
    [PHONE, 'phone', '138****5678'],
    ['+8613812345678', 'phone', '+86*******5678'],
    [ADDRESS, 'address', '上海市浦东新****'],
    [CREDIT, 'credit_code', '91************XQ1X'],
    [ID, 'redact', '***'],
    [ID, 'none', ID],
  ])('mask(%j, %s) → %j', (value, profile, expected) => {
    expect(mask(value, profile)).toBe(expected);
  });

  it('keeps an old 15-digit ID number to the same pattern', () => {
    expect(mask('310101900101123', 'id_number')).toBe('310********1123');
  });

  // Too short for the usual pattern: at most half of the value shows.
  it.each<[string, MaskProfile, string]>([
    ['', 'id_number', ''],
    ['', 'name', ''],
    ['', 'phone', ''],
    ['', 'address', ''],
    ['', 'credit_code', ''],
    ['', 'none', ''],
    ['', 'redact', '***'],
    ['1', 'id_number', '*'],
    ['12', 'phone', '1*'],
    ['12345', 'phone', '1***5'],
    ['62345678', 'phone', '62****78'],
    ['张', 'name', '*'],
    ['欧阳修', 'name', '欧**'],
    ['上海市', 'address', '上****'],
    ['ab', 'address', 'a****'],
    ['913300', 'credit_code', '91***0'],
    ['9133000', 'credit_code', '91****0'],
    ['1381234567', 'phone', '138*****67'],
    ['3101011990', 'id_number', '310*****90'],
  ])('short value mask(%j, %s) → %j', (value, profile, expected) => {
    expect(mask(value, profile)).toBe(expected);
  });

  const profiles: MaskProfile[] = ['id_number', 'name', 'phone', 'address', 'credit_code', 'redact'];
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each(profiles.flatMap((profile) => lengths.map((length) => ({ profile, length }))))(
    'a $length-character value under $profile reveals at most half of it',
    ({ profile, length }) => {
      const value = 'ABCDEFGHIJ'.slice(0, length);
      const masked = mask(value, profile);
      const revealed = Array.from(masked).filter((c) => c !== '*').length;
      expect(revealed).toBeLessThanOrEqual(length / 2);
    },
  );

  it.each<MaskProfile>(['id_number', 'phone', 'credit_code', 'name'])('%s keeps the length of the value', (profile) => {
    for (const value of [ID, PHONE, CREDIT, '欧阳娜娜', 'ab']) {
      expect(Array.from(mask(value, profile))).toHaveLength(Array.from(value).length);
    }
  });
});

describe('maskRecord', () => {
  const record = { id_number: ID, name: '张三', phone: PHONE, status: '存续', extra: 'not asked for' };

  it('returns only the listed items, each masked by its profile', () => {
    expect(
      maskRecord(record, ['id_number', 'name', 'phone', 'status'], {
        id_number: 'id_number',
        name: 'name',
        phone: 'phone',
        status: 'none',
      }),
    ).toEqual({ id_number: '310***********1234', name: '张*', phone: '138****5678', status: '存续' });
  });

  it.each<{ label: string; items: string[]; masking: Record<string, MaskProfile>; expected: Record<string, string> }>([
    { label: 'an item without a profile is redacted', items: ['phone'], masking: {}, expected: { phone: '***' } },
    { label: 'an item the record lacks is left out', items: ['missing'], masking: { missing: 'none' }, expected: {} },
    { label: 'inherited names are not items', items: ['toString'], masking: {}, expected: {} },
    { label: 'no items, nothing', items: [], masking: { name: 'none' }, expected: {} },
  ])('$label', ({ items, masking, expected }) => {
    expect(maskRecord(record, items, masking)).toEqual(expected);
  });

  it('stores an item named __proto__ as data', () => {
    const hostile = JSON.parse('{"__proto__": "x-value"}') as Record<string, string>;
    const out = maskRecord(hostile, ['__proto__'], JSON.parse('{"__proto__": "none"}') as Record<string, MaskProfile>);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('x-value');
  });

  it('stores items named like Object.prototype members as its own data, masked', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    const hostile = Object.fromEntries(names.map((n) => [n, `${n}-13812345678`]));
    const masking = Object.fromEntries(names.map((n) => [n, 'phone' as MaskProfile]));
    const out = maskRecord(hostile, names, masking);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    for (const n of names) {
      expect(Object.getOwnPropertyDescriptor(out, n)).toEqual({
        value: mask(`${n}-13812345678`, 'phone'),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    expect(Object.keys(out)).toEqual(names);
    expect(Object.prototype.toString).toBeTypeOf('function');
  });

  it('does not change its input', () => {
    const copy = { ...record };
    maskRecord(record, ['name'], { name: 'name' });
    expect(record).toEqual(copy);
  });
});

describe('parseMaskProfile', () => {
  it.each(maskProfiles)('keeps the known profile %s', (name) => {
    expect(isMaskProfile(name)).toBe(true);
    expect(parseMaskProfile(name)).toBe(name);
  });

  // A profile name arrives over the wire as a string; one this version does not know reveals nothing.
  it.each(['unknown-profile', '', 'ID_NUMBER', 'toString', '__proto__'])('%j becomes redact', (name) => {
    expect(isMaskProfile(name)).toBe(false);
    expect(parseMaskProfile(name)).toBe('redact');
    expect(mask('secret', parseMaskProfile(name))).toBe('***');
  });
});
