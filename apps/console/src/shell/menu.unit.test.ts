import { describe, expect, it } from 'vitest';
import { menuFor, navKeyOf } from './menu';

describe('menuFor', () => {
  it.each([
    [['requester'], ['search', 'overview', 'myApplications', 'myGrants', 'subscriptions']],
    [['publisher'], ['search', 'overview', 'myEntries']],
    [['admin'], ['search', 'overview', 'reviewQueue', 'duties', 'compliance', 'rules', 'worklist']],
    [['reviewer'], ['search', 'overview', 'worklist']],
    [['subject'], ['search', 'myConsents', 'whoUsedMyData']],
    [['auditor'], ['search', 'overview', 'audit']],
    [[], ['search']],
    [
      ['publisher', 'reviewer'],
      ['search', 'overview', 'myEntries', 'worklist'],
    ],
  ] as const)('%j sees %j', (roles, keys) => {
    expect(menuFor(roles).map((e) => e.key)).toEqual(keys);
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
