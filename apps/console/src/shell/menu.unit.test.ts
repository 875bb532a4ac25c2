import { describe, expect, it } from 'vitest';
import { menuFor, navKeyOf } from './menu';

describe('menuFor', () => {
  it.each([
    [['requester'], ['search', 'myApplications', 'myGrants']],
    [['publisher'], ['search', 'myEntries']],
    [['admin'], ['search', 'reviewQueue']],
    [['reviewer'], ['search', 'worklist']],
    [['subject'], ['search', 'myConsents', 'whoUsedMyData']],
    [['auditor'], ['search', 'audit']],
    [[], ['search']],
    [
      ['publisher', 'reviewer'],
      ['search', 'myEntries', 'worklist'],
    ],
  ] as const)('%j sees %j', (roles, keys) => {
    expect(menuFor(roles).map((e) => e.key)).toEqual(keys);
  });

  it('links only the screens that are built', () => {
    const ready = menuFor(['requester']).filter((e) => e.ready);
    expect(ready.map((e) => e.key)).toEqual(['search']);
  });
});

describe('navKeyOf', () => {
  const entries = menuFor(['requester']);
  it('finds the entry of a page and of the pages under it', () => {
    expect(navKeyOf('/catalog', entries)).toBe('search');
    expect(navKeyOf('/catalog/zj.330000-DSJ-00001', entries)).toBe('search');
    expect(navKeyOf('/my/applications', entries)).toBe('myApplications');
    expect(navKeyOf('/elsewhere', entries)).toBeUndefined();
  });
});
