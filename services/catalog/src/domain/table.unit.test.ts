import { aDataItem, aResource } from '@yrd/testing';
import { describe, expect, it } from 'vitest';
import { entryIssues, resourceInput } from './resource.js';
import { type Cell, columns, entryRows, locate, readTable } from './table.js';

const header = columns.map((c) => c.header);
const entry = aResource('zj', '330000-SCJG-00001', {
  name: '营业执照信息',
  summary: '市场主体登记，含“法定代表人”, 逗号与引号',
  sharingModes: ['interface', 'verify'],
  relatedResources: ['zj.330000-SCJG-00002'],
  items: [
    aDataItem('credit_code', { label: '统一社会信用代码', piiKind: 'credit_code' }),
    aDataItem('legal_representative', {
      label: '法定代表人',
      subLevel: 3,
      personalInfo: true,
      piiKind: 'name',
      description: '姓名',
    }),
  ],
});

describe('the catalogue as a spreadsheet (one row per data item)', () => {
  it('writes an entry as one row per item, in Chinese labels', () => {
    const rows = entryRows(entry);
    expect(rows).toHaveLength(2);
    const at = (row: string[] | undefined, h: string) => row?.[header.indexOf(h)];
    expect(at(rows[0], '共享属性')).toBe('有条件共享');
    expect(at(rows[0], '共享方式')).toBe('接口;核验');
    expect(at(rows[1], '信息项名称')).toBe('法定代表人');
    expect(at(rows[1], '一般数据子级')).toBe('3');
    expect(at(rows[1], '个人信息类型')).toBe('姓名');
    expect(at(rows[0], '查询键')).toBe('是');
  });

  it('reads back what it wrote: the same entry passes the schema and the rules', () => {
    const { entries, errors } = readTable([header, ...entryRows(entry)]);
    expect(errors).toEqual([]);
    expect(entries).toHaveLength(1);
    const parsed = resourceInput.parse(entries[0]?.input);
    expect(entryIssues(parsed)).toEqual([]);
    expect(parsed).toMatchObject({
      resourceCode: entry.resourceCode,
      classCode: entry.classCode,
      summary: entry.summary,
      sharingTier: 'conditional',
      sharingModes: ['interface', 'verify'],
      relatedResources: ['zj.330000-SCJG-00002'],
      keyItems: ['credit_code'],
    });
    expect(parsed.items.map((i) => [i.name, i.grade, i.subLevel, i.personalInfo, i.piiKind])).toEqual([
      ['credit_code', 'general', 1, false, 'credit_code'],
      ['legal_representative', 'general', 3, true, 'name'],
    ]);
  });

  it('takes blank entry cells after the first row from the entry, accepts English headers and rows out of order', () => {
    const [a, b] = entryRows(entry) as [string[], string[]];
    const blankEntryCells = b.map((v, i) => (columns[i]?.scope === 'entry' && i > 0 ? '' : v));
    const other = entryRows(aResource('zj', '330000-SCJG-00003'))[0] as string[];
    const english = columns.map((c) => c.key);
    const { entries, errors } = readTable([english, a, other, blankEntryCells]);
    expect(errors).toEqual([]);
    expect(entries.map((e) => [e.resourceCode, e.rows])).toEqual([
      ['330000-SCJG-00001', [2, 4]],
      ['330000-SCJG-00003', [3]],
    ]);
  });

  it('reports each bad cell by row and column, and keeps going', () => {
    const rows: Cell[][] = entryRows(entry);
    const first = [...(rows[0] as string[])];
    first[header.indexOf('共享属性')] = '随便共享';
    const second = [...(rows[1] as string[])];
    second[header.indexOf('资源名称')] = '另一个名称';
    second[header.indexOf('个人信息')] = '也许';
    const { errors } = readTable([header, first, second, ['', '营业执照']]);
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '共享属性', 'IMPORT.VALUE_INVALID'],
      [3, '资源名称', 'IMPORT.ENTRY_MISMATCH'],
      [3, '共享属性', 'IMPORT.ENTRY_MISMATCH'],
      [3, '个人信息', 'IMPORT.VALUE_INVALID'],
      [4, '资源代码', 'IMPORT.VALUE_REQUIRED'],
    ]);
    expect(errors[0]?.message).toContain('无条件共享');
  });

  it('refuses a file without the required columns', () => {
    const { entries, errors } = readTable([
      ['资源代码', '资源名称'],
      ['330000-SCJG-00001', '营业执照信息'],
    ]);
    expect(entries).toEqual([]);
    expect(errors.map((e) => e.column)).toEqual(['信息项名称', '信息项标识']);
  });

  it('places a rule broken by an item on that item’s row', () => {
    const { entries } = readTable([header, ...entryRows(entry)]);
    const e = entries[0];
    if (!e) throw new Error('no entry');
    expect(locate(e, 'items.1.grade')).toEqual({ row: 3, column: '信息项分级' });
    expect(locate(e, 'legalBasis')).toEqual({ row: 2, column: '不予共享依据' });
    expect(locate(e, 'keyItems')).toEqual({ row: 2, column: '查询键' });
  });
});
