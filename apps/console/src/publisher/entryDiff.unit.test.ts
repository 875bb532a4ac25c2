import { describe, expect, it } from 'vitest';
import type { DataItem, Entry } from '../catalog/types';
import { diffEntries } from './entryDiff';

const item = (name: string, o: Partial<DataItem> = {}): DataItem => ({
  name,
  label: name,
  type: 'string',
  description: '',
  grade: 'general',
  subLevel: 1,
  personalInfo: false,
  sensitivePersonalInfo: false,
  piiKind: 'none',
  ...o,
});

const entry = (o: Partial<Entry> = {}): Entry => ({
  id: 'zj.330000-DSJ-00021',
  resourceCode: '330000-DSJ-00021',
  classCode: 'A02-05-02-01',
  name: '场馆预约',
  province: 'zj',
  provider: { creditCode: '11330000MB0000002X', name: '浙江省大数据发展管理局' },
  summary: '第一稿',
  format: '数据库',
  updateCycle: '每日',
  publishDate: '',
  relatedResources: [],
  items: [item('booking_no'), item('venue'), item('phone')],
  sharingTier: 'conditional',
  sharingConditions: '',
  sharingModes: ['interface'],
  openTier: 'none',
  grade: 'general',
  legalBasis: '',
  version: 1,
  status: 'draft',
  domain: '',
  updatedAt: '2026-12-05T01:00:00Z',
  keyItems: ['booking_no'],
  ...o,
});

describe('what a version changed', () => {
  it('nothing but the version, the state and the time: no change', () => {
    expect(diffEntries(entry(), entry({ version: 2, status: 'submitted', updatedAt: 'later' }))).toEqual({
      fields: [],
      items: [],
    });
  });

  it('the fields that differ, lists compared in order', () => {
    const d = diffEntries(entry(), entry({ summary: '第二稿', sharingModes: ['interface', 'verify'] }));
    expect(d.fields).toEqual([
      { field: 'summary', before: '第一稿', after: '第二稿' },
      { field: 'sharingModes', before: ['interface'], after: ['interface', 'verify'] },
    ]);
  });

  it('data items by field name: added, removed, changed in some columns', () => {
    const d = diffEntries(
      entry(),
      entry({
        items: [
          item('booking_no'),
          item('venue', { label: '场馆名称', grade: 'important', subLevel: 0 }),
          item('visit_date'),
        ],
      }),
    );
    expect(d.items).toEqual([
      {
        kind: 'changed',
        name: 'venue',
        columns: [
          { column: 'label', before: 'venue', after: '场馆名称' },
          { column: 'grade', before: 'general', after: 'important' },
          { column: 'subLevel', before: 1, after: 0 },
        ],
      },
      { kind: 'added', name: 'visit_date', item: item('visit_date') },
      { kind: 'removed', name: 'phone', item: item('phone') },
    ]);
  });
});
