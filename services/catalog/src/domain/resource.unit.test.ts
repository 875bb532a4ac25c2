import { describe, expect, it } from 'vitest';
import { entryIssues, type ResourceInput, resourceInput, searchText } from './resource.js';

const valid = (): Record<string, unknown> => ({
  resourceCode: '330000-SCJG-00001',
  classCode: 'B01-01-01-01',
  name: '营业执照信息',
  providerCreditCode: '11330000MB1N62174N',
  items: [
    { name: 'credit_code', label: '统一社会信用代码', grade: 'general', subLevel: 1 },
    {
      name: 'legal_representative',
      label: '法定代表人',
      grade: 'general',
      subLevel: 3,
      personalInfo: true,
      piiKind: 'name',
    },
  ],
  keyItems: ['credit_code'],
  sharingTier: 'unconditional',
  sharingModes: ['verify', 'interface'],
  openTier: 'conditional',
  grade: 'general',
});

/** Shape issues from the schema, then the catalogue's rules, as `path: message [code]`. */
const issues = (input: Record<string, unknown>) => {
  const r = resourceInput.safeParse(input);
  if (!r.success) return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  return entryIssues(r.data).map((i) => `${i.path}: ${i.message} [${i.code}]`);
};

describe('a catalogue entry (政务信息资源目录编制指南)', () => {
  it('accepts a complete entry and fills defaults', () => {
    const r = resourceInput.parse(valid()) as ResourceInput;
    expect(r.items[0]?.personalInfo).toBe(false);
    expect(r.updateCycle).toBe('不定期');
    expect(searchText(r)).toContain('法定代表人');
  });

  it.each([
    ['a bad 统一社会信用代码', { providerCreditCode: '11330000MB1N62174X' }, 'providerCreditCode'],
    ['a resource code without the province area code', { resourceCode: 'SCJG-1' }, 'resourceCode'],
    ['a class code that is not four levels', { classCode: 'A01-02' }, 'classCode'],
    ['no data items', { items: [] }, 'items'],
    ['an unknown sharing tier', { sharingTier: 'sometimes' }, 'sharingTier'],
  ])('refuses %s', (_what, patch, path) => {
    const found = issues({ ...valid(), ...patch });
    expect(found.some((i) => i.startsWith(path))).toBe(true);
  });

  const sin = (o: object) => ({
    name: 'id_number',
    label: '身份证号',
    grade: 'important',
    personalInfo: true,
    sensitivePersonalInfo: true,
    piiKind: 'id_number',
    ...o,
  });
  it.each([
    ['a class code not in the table', { classCode: 'Z09-09-09-09' }, 'CATALOG.UNKNOWN_CLASS_CODE'],
    ['a 目 where a 细目 is needed', { classCode: 'B01-01-01-00' }, 'CATALOG.UNKNOWN_CLASS_CODE'],
    ['不予共享 without a legal basis', { sharingTier: 'none', sharingModes: [] }, 'CATALOG.LEGAL_BASIS_REQUIRED'],
    ['a shared entry without a sharing mode', { sharingModes: [] }, 'CATALOG.SHARING_MODE_REQUIRED'],
    ['a key item that is not a data item', { keyItems: ['id_number'] }, 'CATALOG.UNKNOWN_KEY_ITEM'],
    [
      'an item graded below its class floor (人口信息: at least 一般 2)',
      { classCode: 'A01-01-04-01', grade: 'important', items: [sin({ name: 'x', grade: 'general', subLevel: 1 })] },
      'CATALOG.ITEM_BELOW_FLOOR',
    ],
    [
      'an item below a floor set on the 项 (缉私: at least 重要)',
      { classCode: 'C05-04-01-01', items: [{ name: 'case_no', label: '案件编号', grade: 'general', subLevel: 4 }] },
      'CATALOG.ITEM_BELOW_FLOOR',
    ],
    [
      'an entry graded below its most sensitive item',
      { classCode: 'A01-01-04-01', grade: 'general', items: [sin({})] },
      'CATALOG.GRADE_BELOW_ITEM',
    ],
    [
      'sensitive personal information not marked personal',
      { items: [sin({ grade: 'general', subLevel: 4, personalInfo: false })] },
      'CATALOG.SENSITIVE_NOT_PERSONAL',
    ],
  ])('refuses %s', (_what, patch, code) => {
    expect(issues({ ...valid(), ...patch }).some((i) => i.endsWith(`[${code}]`))).toBe(true);
  });

  it('refuses two items with the same name', () => {
    const v = valid();
    const items = v.items as object[];
    expect(issues({ ...v, items: [...items, items[0]] })).toEqual([
      'items.2.name: 信息项 credit_code 重复 duplicate item name [CATALOG.DUPLICATE_ITEM]',
    ]);
  });

  it('accepts items at their class floor and an entry graded at its most sensitive item', () => {
    expect(
      issues({
        ...valid(),
        classCode: 'A01-01-04-01',
        grade: 'important',
        items: [sin({ grade: 'general', subLevel: 2 })],
        keyItems: ['id_number'],
      }),
    ).toEqual([]);
    expect(
      issues({ ...valid(), classCode: 'A01-01-04-01', grade: 'important', items: [sin({})], keyItems: ['id_number'] }),
    ).toEqual([]);
  });

  it('accepts 不予共享 with its legal basis', () => {
    expect(
      issues({
        ...valid(),
        sharingTier: 'none',
        sharingModes: [],
        legalBasis: '《中华人民共和国居民身份证法》第十三条',
      }),
    ).toEqual([]);
  });
});
