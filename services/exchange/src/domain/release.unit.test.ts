import { describe, expect, it } from 'vitest';
import { type Allowance, type ReleaseMode, releasable, release } from './release.js';

// synthetic items and values; the masks are @yrd/masking's (none, redact, phone)
const allowance = (allowedItems: string[], masking: Record<string, string> = {}): Allowance => ({
  allowedItems,
  masking: Object.entries(masking).map(([item, profile]) => ({ item, profile })),
});

describe('which items a request may see', () => {
  it.each<{ name: string; mode: ReleaseMode; asked: string[]; granted: string[]; items: string[] }>([
    { name: 'asked and granted', mode: 'query', asked: ['a', 'b'], granted: ['a', 'b', 'c'], items: ['a', 'b'] },
    { name: 'in the order asked', mode: 'query', asked: ['b', 'a'], granted: ['a', 'b'], items: ['b', 'a'] },
    { name: 'an asked item not granted is left out', mode: 'query', asked: ['a', 'x'], granted: ['a'], items: ['a'] },
    { name: 'nothing asked: every granted item', mode: 'query', asked: [], granted: ['a', 'b'], items: ['a', 'b'] },
    { name: 'an empty intersection', mode: 'query', asked: ['x', 'y'], granted: ['a', 'b'], items: [] },
    { name: 'nothing granted', mode: 'query', asked: [], granted: [], items: [] },
    { name: 'every claim granted', mode: 'verify', asked: ['a', 'b'], granted: ['a', 'b', 'c'], items: ['a', 'b'] },
  ])('$mode: $name', ({ mode, asked, granted, items }) => {
    const r = releasable(mode, asked, allowance(granted));
    expect(r.ok && r.items).toEqual(items);
  });

  it.each<{ asked: string[]; granted: string[]; notGranted: string[] }>([
    { asked: ['a', 'x'], granted: ['a'], notGranted: ['x'] },
    { asked: ['x', 'y'], granted: ['a'], notGranted: ['x', 'y'] },
    { asked: ['x'], granted: [], notGranted: ['x'] },
  ])('verify: claims $asked with $granted granted are refused whole', ({ asked, granted, notGranted }) => {
    expect(releasable('verify', asked, allowance(granted))).toEqual({ ok: false, notGranted });
  });

  it('takes the profiles of granted items only, and redacts under a profile it does not know', () => {
    const r = releasable('query', ['a'], allowance(['a', 'b', 'c'], { a: 'phone', b: 'a-newer-profile', x: 'none' }));
    // a granted item not asked keeps its profile (the requester is told it); an ungranted one has none
    expect(r.ok && r.masking).toEqual({ a: 'phone', b: 'redact' });
  });
});

describe('what leaves the provider', () => {
  const found: Record<string, string>[] = [
    { a: 'alpha', b: 'bravo', c: 'charlie', p: '13800001234' },
    { a: 'alpha-2', b: 'bravo-2' },
  ];

  it.each<{
    name: string;
    items: string[];
    masking: Record<string, 'none' | 'redact' | 'phone'>;
    records: Record<string, string>[];
  }>([
    {
      name: 'only the items in scope, each masked',
      items: ['a', 'b', 'p'],
      masking: { a: 'none', b: 'redact', p: 'phone' },
      records: [
        { a: 'alpha', b: '***', p: '138****1234' },
        { a: 'alpha-2', b: '***' },
      ],
    },
    {
      name: 'an item without a profile is redacted',
      items: ['a'],
      masking: {},
      records: [{ a: '***' }, { a: '***' }],
    },
    {
      name: 'what the source returned beyond the scope never leaves, whatever its profile',
      items: ['a'],
      masking: { a: 'none', c: 'none' },
      records: [{ a: 'alpha' }, { a: 'alpha-2' }],
    },
    { name: 'an empty scope returns empty records', items: [], masking: { a: 'none' }, records: [{}, {}] },
  ])('query: $name', ({ items, masking, records }) => {
    const out = release('query', { items, masking }, found, {});
    expect(out.records).toEqual(records);
    expect(out.results).toEqual({});
    expect(out.masking).toEqual(masking);
  });

  it.each<{ name: string; claims: Record<string, string>; results: Record<string, boolean> }>([
    { name: 'a claim some record holds is true', claims: { a: 'alpha-2' }, results: { a: true } },
    { name: 'a different value is false', claims: { a: 'ALPHA' }, results: { a: false } },
    { name: 'an item no record has is false', claims: { c: 'charlie', q: '' }, results: { c: true, q: false } },
    { name: 'each claim on its own', claims: { a: 'alpha', b: 'nope' }, results: { a: true, b: false } },
  ])('verify: $name, and no value leaves', ({ claims, results }) => {
    const out = release('verify', { items: Object.keys(claims), masking: { a: 'none' } }, found, claims);
    expect(out.results).toEqual(results);
    expect(out.records).toEqual([]);
    expect(out.masking).toEqual({});
  });

  it('never lets an item that is not granted leave, whatever was asked or found', () => {
    const scope = releasable('query', ['a', 'c'], allowance(['a'], { a: 'none', c: 'none' }));
    if (!scope.ok) throw new Error('a query is never refused for its items');
    const out = release('query', scope, found, {});
    for (const r of out.records) expect(Object.keys(r)).toEqual(['a']);
    expect(out.masking).toEqual({ a: 'none' });
  });
});
