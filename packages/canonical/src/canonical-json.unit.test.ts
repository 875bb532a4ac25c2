import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from './index.js';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, 1, { z: null, y: 'x' }], c: { e: true, d: false } })).toBe(
      '{"a":[3,1,{"y":"x","z":null}],"b":1,"c":{"d":false,"e":true}}',
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson('s')).toBe('"s"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
  });

  it('is independent of key insertion order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
    expect(canonicalJson({ x: '1', y: '2' })).toBe(canonicalJson({ y: '2', x: '1' }));
  });

  it('sorts integer-like keys as strings, not in the order JavaScript enumerates them', () => {
    // Object.keys gives '2', '10' (integer keys ascending); by code units '10' < '2'
    expect(canonicalJson({ 2: 'b', 10: 'a', x: 'c' })).toBe('{"10":"a","2":"b","x":"c"}');
  });

  it('sorts by UTF-16 code units and escapes like JSON', () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, 省: 4, '\u0001': 5 })).toBe('{"\\u0001":5,"A":3,"z":2,"é":1,"省":4}');
    expect(canonicalJson('a"b\\c\n上海')).toBe('"a\\"b\\\\c\\n上海"');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson(0.1)).toBe('0.1');
  });

  it('accepts objects without a prototype', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.b = 1;
    o.a = 2;
    expect(canonicalJson(o)).toBe('{"a":2,"b":1}');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('accepts strings with well-formed surrogate pairs', () => {
    expect(canonicalJson({ '😀': '\ud83d\ude00x\u{1f1e8}\u{1f1f3}' })).toBe('{"😀":"😀x🇨🇳"}');
  });
});

describe('the one allowance: an object field that is undefined is left out', () => {
  it('encodes a message with an unset optional field like the message without it', () => {
    // what a protobuf-generated message with an optional field looks like when the field is unset
    const unset: { id: string; note?: string | undefined } = { id: 'x', note: undefined };
    expect(canonicalJson(unset)).toBe('{"id":"x"}');
    expect(canonicalJson(unset)).toBe(canonicalJson({ id: 'x' }));
    expect(canonicalJson({ a: undefined })).toBe('{}');
    expect(canonicalJson({ b: 1, a: undefined, c: 2 })).toBe('{"b":1,"c":2}');
    expect(canonicalJson({ nested: { a: undefined, b: [{ c: undefined }] } })).toBe('{"nested":{"b":[{}]}}');
  });

  it('is JSON.stringify’s own rule for such fields', () => {
    const v = { z: 1, a: undefined, m: { y: undefined, x: [1, 'two'] } };
    expect(canonicalJson(v)).toBe(canonicalJson(JSON.parse(JSON.stringify(v))));
  });
});

describe('what canonicalJson refuses', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  // [what, value, message]
  const refused: [string, unknown, string][] = [
    ['undefined on its own', undefined, 'undefined is not allowed at $'],
    ['undefined inside an array', [1, undefined], 'undefined is not allowed at $[1]'],
    // biome-ignore lint/suspicious/noSparseArray: testing holes
    ['an array hole', [1, , 2], 'array hole at $[1]'],
    ['a function', () => 1, 'function is not allowed at $'],
    ['a function as a field', { f: () => 1 }, 'function is not allowed at $.f'],
    ['NaN', Number.NaN, 'non-finite number at $'],
    ['Infinity', Number.POSITIVE_INFINITY, 'non-finite number at $'],
    ['-Infinity as a field', { n: Number.NEGATIVE_INFINITY }, 'non-finite number at $.n'],
    ['a bigint', { big: 10n }, 'bigint is not allowed at $.big'],
    ['a symbol', [Symbol('s')], 'symbol is not allowed at $[0]'],
    ['a Date', { at: new Date(0) }, 'non-plain object at $.at'],
    ['a Map', new Map([['a', 1]]), 'non-plain object at $'],
    ['a Set', new Set([1]), 'non-plain object at $'],
    ['bytes', { b: new Uint8Array([1, 2]) }, 'non-plain object at $.b'],
    ['a Buffer', Buffer.from('x'), 'non-plain object at $'],
    ['a class instance', [new Point(1, 2)], 'non-plain object at $[0]'],
    ['a boxed string', new String('s'), 'non-plain object at $'],
    ['a cycle', cyclic, 'cycle at $.self'],
    ['a lone high surrogate', 'a\ud800', 'lone surrogate in a string at $'],
    ['a lone low surrogate', { s: ['\udfffb'] }, 'lone surrogate in a string at $.s[0]'],
    ['a pair then a lone high surrogate', '\ud83d\ude00\ud83d', 'lone surrogate in a string at $'],
    ['reversed surrogates', '\ude00\ud83d', 'lone surrogate in a string at $'],
    ['a lone surrogate in a key', { a: { '\ud800': 1 } }, 'lone surrogate in a string at $.a["\\ud800"]'],
  ];

  it.each(refused)('%s', (_what, value, message) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(`canonicalJson: ${message}`);
  });

  it('names the location JSONPath-like, bracketing keys that are not identifiers', () => {
    expect(() => canonicalJson({ a: [1, { b: Number.NaN }] })).toThrow('non-finite number at $.a[1].b');
    expect(() => canonicalJson({ 'x-y': { 省: [0, 1n] } })).toThrow('bigint is not allowed at $["x-y"]["省"][1]');
  });

  it('throws a TypeError with the problem and the location as fields', () => {
    try {
      canonicalJson({ items: ['a', undefined] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      expect(e).toMatchObject({ name: 'CanonicalJsonError', problem: 'undefined is not allowed', at: '.items[1]' });
    }
  });
});
