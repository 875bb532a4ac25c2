import { describe, expect, it } from 'vitest';
import { type ResourceInput, resourceInput, searchText } from './resource.js';

const valid = (): Record<string, unknown> => ({
  resourceCode: '330000-SCJG-00001',
  classCode: 'A01-02-03-01',
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

const issues = (input: Record<string, unknown>) => {
  const r = resourceInput.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
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
    ['不予共享 without a legal basis', { sharingTier: 'none' }, 'legalBasis'],
    ['a key item that is not a data item', { keyItems: ['id_number'] }, 'keyItems'],
    ['no data items', { items: [] }, 'items'],
    ['an unknown sharing tier', { sharingTier: 'sometimes' }, 'sharingTier'],
    ['no sharing mode', { sharingModes: [] }, 'sharingModes'],
  ])('refuses %s', (_what, patch, path) => {
    const found = issues({ ...valid(), ...patch });
    expect(found.some((i) => i.startsWith(path))).toBe(true);
  });

  it('refuses two items with the same name', () => {
    const v = valid();
    const items = v.items as object[];
    expect(issues({ ...v, items: [...items, items[0]] }).some((i) => i.includes('duplicate item name'))).toBe(true);
  });

  it('accepts 不予共享 with its legal basis', () => {
    expect(issues({ ...valid(), sharingTier: 'none', legalBasis: '《中华人民共和国居民身份证法》第十三条' })).toEqual(
      [],
    );
  });
});
