import { describe, expect, it } from 'vitest';
import { isoDate, isoDateTime } from './dates.js';
import { excerpt, findUnstorableString, jsonDepthExceeds, jsonMayHoldUnstorable, urlProblem } from './input.js';

describe('what a request may carry', () => {
  it.each([
    ['/a?q=%E7%A2%B3', true],
    ['/a?q=a+b&c=%2B', true],
    ['/a?q=%', false],
    ['/a?q=%ZZ', false],
    ['/a?q=%ED%A0%80', false],
    ['/a?x=%C3%28', false],
    ['/a/%E0%A4%A', false],
  ])('%s decodes cleanly: %s', (url, ok) => {
    expect(urlProblem(url) !== 'bad_encoding').toBe(ok);
  });

  it.each([
    ['/a?q=a%00b', 'nul'],
    ['/a/abc%00def', 'nul'],
    ['/a?q=%E7%A2%B3', undefined],
  ])('%s: %s', (url, problem) => {
    expect(urlProblem(url)).toBe(problem);
  });

  it.each([
    ['a plain value', { a: ['b', { c: '碳 𠮷' }] }, undefined],
    ['a NUL in a nested value', { a: ['b', { c: 'x\u0000' }] }, { path: '/a/1/c', reason: 'nul' }],
    ['a high surrogate alone', { a: 'x\ud800' }, { path: '/a', reason: 'lone_surrogate' }],
    ['a low surrogate alone', ['\udc00y'], { path: '/0', reason: 'lone_surrogate' }],
    ['a bad key', { 'k\u0000': 1 }, { path: '/k\ufffd', reason: 'nul' }],
    ['a bare string', 'a\u0000', { path: '/', reason: 'nul' }],
    ['a buffer (not looked into)', Buffer.from('a\u0000'), undefined],
  ])('%s', (_what, value, found) => {
    expect(findUnstorableString(value)).toEqual(found);
  });

  it('walks a deep value without recursion', () => {
    let v: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(findUnstorableString(v)?.reason).toBe('nul');
  });

  it.each([
    ['{"a":[1,2,{"b":3}]}', 3, false],
    ['{"a":[1,2,{"b":3}]}', 2, true],
    ['"[[[[[[[[[["', 2, false],
    ['["\\"[[[[[["]', 2, false],
    [`${'['.repeat(100_000)}`, 64, true],
  ])('%s deeper than %i: %s', (text, limit, deeper) => {
    expect(jsonDepthExceeds(text, limit)).toBe(deeper);
  });

  it.each([
    ['{"a":"碳 𠮷 \\n \\u4e2d \\u00e9"}', false],
    ['{"a":"x\\u0000"}', true],
    ['{"\\ud800":1}', true],
    ['["\\uDC00"]', true],
    ['["\\uDbFf"]', true],
    // cautious: a paired surrogate's escapes, and a backslash followed by the text u0000
    ['["\\ud842\\udfb7"]', true],
    ['["\\\\u0000"]', true],
  ])('%s may hold an unstorable string: %s', (text, may) => {
    expect(jsonMayHoldUnstorable(text)).toBe(may);
    // never false where the walk finds one
    const found = findUnstorableString(JSON.parse(text));
    if (found) expect(may).toBe(true);
  });

  it('quotes input only in a short, printable excerpt', () => {
    expect(excerpt('Z'.repeat(10_000))).toBe(`${'Z'.repeat(80)}…`);
    expect(excerpt('a\u0000b\ud800')).toBe('a\ufffdb\ufffd');
  });
});

describe('the one date and date-time schema', () => {
  it.each([
    ['2026-12-31', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['31/12/2026', false],
    ['0000-01-01', false],
    ['2026-1-1', false],
    ['', false],
  ])('date %s: %s', (v, ok) => {
    expect(isoDate.safeParse(v).success).toBe(ok);
  });

  it.each([
    ['2026-12-31T08:00:00+08:00', true],
    ['2026-12-31T00:00:00.123Z', true],
    ['2026-12-31T08:00:00', false],
    ['2026-02-30T00:00:00Z', false],
    ['0000-01-01T00:00:00Z', false],
    ['9999-12-31T23:59:59-01:00', false],
    ['31/12/2026', false],
  ])('date-time %s: %s', (v, ok) => {
    expect(isoDateTime.safeParse(v).success).toBe(ok);
  });
});
