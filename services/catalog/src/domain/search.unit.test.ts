import { beforeAll, describe, expect, it } from 'vitest';
import { simplifier } from './fold.js';
import { expand, type Fold, indexParts, maxAlternatives, normalize, searchQuery, terms } from './search.js';
import { synonymIssue } from './synonym.js';

let fold: Fold;
beforeAll(async () => {
  fold = await simplifier();
});

describe('Chinese search terms (CJK bigrams, and the last character of each run)', () => {
  it.each([
    ['营业执照', ['营业', '业执', '执照', '照']],
    ['社保缴费信息', ['社保', '保缴', '缴费', '费信', '信息', '息']],
    ['客', ['客']],
    ['gb/t 21063 目录', ['gb', 't', '21063', '目录', '录']],
    ['危险品（un3480）', ['危险', '险品', '品', 'un3480']],
    ['a碳', ['a', '碳']],
    ['', []],
  ])('%s → %j', (text, expected) => expect(terms(text)).toEqual(expected));

  it('every character of an entry starts one of its terms, so a one-character query finds it anywhere', () => {
    const text = '企业减碳核算，低碳';
    const entry = terms(text);
    for (const ch of text.replace(/[，]/g, '')) expect(entry.some((t) => t.startsWith(ch))).toBe(true);
  });

  it('a query matches inside longer words because its bigrams are there', () => {
    const entry = terms('社会保险缴费信息，含社保缴费月数');
    for (const t of terms('社保缴费').filter((t) => t.length === 2)) expect(entry).toContain(t);
  });

  it('weights name, summary and items separately, folded', () => {
    const p = indexParts(
      {
        name: '景區客流',
        summary: '節假日預警',
        domain: '文旅',
        items: [{ label: '實時客流', name: 'Visitor_Count' }],
      },
      fold,
    );
    expect(p.a).toBe('景区 区客 客流 流');
    expect(p.b).toBe('节假 假日 日预 预警 警 文旅 旅');
    expect(p.c).toContain('visitor_count');
    expect(p.name).toBe('景区客流');
  });
});

describe('folding what people type to what the index holds', () => {
  it.each([
    ['醫療機構執業登記', '医疗机构执业登记'],
    ['出生醫學證明', '出生医学证明'],
    ['臺灣', '台湾'],
    ['衞生健康', '卫生健康'],
    ['碳足跡', '碳足迹'],
    ['ＧＢ／Ｔ　２１０６３', 'gb/t 21063'],
    ['營業執照', '营业执照'],
    ['社会保险', '社会保险'],
  ])('%s → %s', (typed, folded) => expect(normalize(typed, fold)).toBe(folded));
});

describe('search queries', () => {
  it('a single character is a prefix over the bigrams', () => {
    expect(searchQuery('碳', fold)).toEqual({ tsquery: "'碳':*", phrases: ['碳'] });
    expect(searchQuery(' 碳 足迹 ', fold)?.tsquery).toBe("'碳':* & '足迹'");
  });

  it('longer words need all their bigrams, and traditional input is folded first', () => {
    expect(searchQuery('醫療機構', fold)).toEqual({ tsquery: "'医疗' & '疗机' & '机构'", phrases: ['医疗机构'] });
  });

  it.each(['', '   ', '、。！', '…', '\u0000'])('%j has nothing to search for', (q) =>
    expect(searchQuery(q, fold)).toBeUndefined(),
  );

  it.each(["a' | b", "碳':* | '营业", "\\' & !x", '(社保) <-> 缴费'])(
    'keeps tsquery syntax out of the query: %j',
    (q) => {
      const tsquery = searchQuery(q, fold)?.tsquery ?? '';
      // every lexeme is quoted letters/digits; only the operators the builder writes remain
      const stripped = tsquery.replace(/'[\p{L}\p{N}_]+'(:\*)?/gu, 'T');
      expect(stripped).toMatch(/^[T &|()]+$/);
    },
  );
});

describe('synonym expansion', () => {
  const table = [
    { term: '出生证明', synonym: '出生医学证明' },
    { term: '社保', synonym: '社会保险' },
    { term: '医保', synonym: '医疗保障' },
    { term: '身份证', synonym: '居民身份证' },
    { term: '驾照', synonym: '机动车驾驶证' },
  ];

  it.each([
    ['出生证明', ['出生证明', '出生医学证明']],
    ['出生医学证明', ['出生医学证明', '出生证明']],
    ['社保缴费', ['社保缴费', '社会保险缴费']],
    ['社会保险缴费信息', ['社会保险缴费信息', '社保缴费信息']],
    ['驾照', ['驾照', '机动车驾驶证']],
    ['居民身份证号', ['居民身份证号', '身份证号']],
    ['身份证', ['身份证', '居民身份证']],
    ['社保 医保', ['社保 医保', '社保 医疗保障', '社会保险 医保', '社会保险 医疗保障']],
    ['营业执照', ['营业执照']],
  ])('%s → %j', (q, alternatives) => expect(expand(q, table, fold)).toEqual(alternatives));

  it('expands traditional input and traditional lines alike', () => {
    expect(expand(normalize('出生證明', fold), [{ term: '出生證明', synonym: '出生醫學證明' }], fold)).toEqual([
      '出生证明',
      '出生医学证明',
    ]);
  });

  it('an alternative matches when all its own bigrams occur', () => {
    expect(searchQuery('出生证明', fold, table)?.tsquery).toBe(
      "('出生' & '生证' & '证明') | ('出生' & '生医' & '医学' & '学证' & '证明')",
    );
  });

  it(`stops at ${maxAlternatives} alternatives`, () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ term: `词${i}`, synonym: `同义${i}` }));
    const q = many.map((s) => s.term).join(' ');
    expect(expand(q, many, fold)).toHaveLength(maxAlternatives);
  });

  it.each([
    [{ term: '醫保', synonym: '医保', note: '' }, 'CATALOG.SYNONYM_SAME'],
    [{ term: 'ＳＢ', synonym: 'sb', note: '' }, 'CATALOG.SYNONYM_SAME'],
    [{ term: '·', synonym: '社保', note: '' }, 'CATALOG.SYNONYM_NOT_SEARCHABLE'],
  ])('refuses the line %j (%s)', (input, code) => expect(synonymIssue(input, fold)).toMatchObject({ code }));

  it('stores a line folded', () => {
    expect(synonymIssue({ term: '醫保', synonym: '醫療保障', note: '' }, fold)).toEqual({
      term: '医保',
      synonym: '医疗保障',
    });
  });
});
