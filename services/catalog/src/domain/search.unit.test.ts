import { describe, expect, it } from 'vitest';
import { indexParts, queryTerms, terms } from './search.js';

describe('Chinese search terms (CJK bigrams)', () => {
  it.each([
    ['营业执照', ['营业', '业执', '执照']],
    ['社保缴费信息', ['社保', '保缴', '缴费', '费信', '信息']],
    ['客', ['客']],
    ['GB/T 21063 目录', ['gb', 't', '21063', '目录']],
    ['危险品（UN3480）', ['危险', '险品', 'un3480']],
    ['', []],
  ])('%s → %j', (text, expected) => expect(terms(text)).toEqual(expected));

  it('a query matches inside longer words because its bigrams are there', () => {
    const entry = terms('社会保险缴费信息，含社保缴费月数');
    for (const t of queryTerms('社保缴费')) expect(entry).toContain(t);
  });

  it('weights name, summary and items separately', () => {
    const p = indexParts({
      name: '景区客流',
      summary: '节假日预警',
      domain: '文旅',
      items: [{ label: '实时客流', name: 'visitor_count' }],
    });
    expect(p.a).toBe('景区 区客 客流');
    expect(p.b).toBe('节假 假日 日预 预警 文旅');
    expect(p.c).toContain('visitor_count');
  });
});
