import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';

describe('canonical JSON', () => {
  it('sorts keys at every level and leaves out undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: '上海' }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":"上海","z":1}]},"b":1}',
    );
  });
  it('gives the same bytes whatever the key order', () => {
    expect(canonicalJson({ x: '1', y: '2' })).toBe(canonicalJson({ y: '2', x: '1' }));
  });
});
