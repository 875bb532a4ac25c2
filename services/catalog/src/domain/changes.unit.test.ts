import { aDataItem, aResource } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import { changedFields } from './changes.js';

describe('what changed between two versions', () => {
  const v1 = aResource('zj', '330000-SCJG-00001');

  it('ignores bookkeeping', () => {
    expect(changedFields(v1, { ...v1, version: 2, status: 'published', updatedAt: 'later' })).toEqual([]);
  });

  it('does not mistake key order for a change (jsonb reorders keys)', () => {
    const reverse = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const reordered = { ...reverse(v1), items: v1.items.map(reverse) };
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(v1));
    expect(changedFields(reordered, v1)).toEqual([]);
  });

  it('names changed fields and items added, changed and removed', () => {
    const v2 = {
      ...v1,
      summary: '新摘要',
      sharingTier: 'unconditional',
      items: [aDataItem('company_name', { grade: 'important' }), aDataItem('address')],
    };
    expect(changedFields(v1, v2)).toEqual([
      'summary',
      'sharingTier',
      'items.company_name',
      'items.address (added)',
      'items.credit_code (removed)',
    ]);
  });
});
