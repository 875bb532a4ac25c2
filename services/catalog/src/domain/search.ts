/**
 * Chinese has no spaces between words, so the catalogue indexes overlapping character bigrams
 * (the CJK n-gram approach of Lucene's CJKAnalyzer): 营业执照 → 营业 业执 执照. A query matches an
 * entry when every bigram of the query occurs in it, which finds 社保缴费 inside 社保缴费信息 without
 * a dictionary, never splits a word wrongly, and runs on PostgreSQL's own full-text index
 * (tsvector, 'simple' configuration) in PGlite and PostgreSQL alike. Latin words and numbers are
 * indexed whole, lower-cased. Name hits rank above summary hits, which rank above data-item hits.
 *
 * What people type is brought to what the index holds before either is compared:
 * - Text is folded (NFKC, traditional → simplified, lower case) at index and at query time, so
 *   醫療機構 finds 医疗机构 and ＧＢ finds gb.
 * - A single character (碳) is a prefix query (碳:*) over the bigrams. So that every character of an
 *   entry is the first character of one of its terms, the last character of each run is indexed
 *   alone as well (…足迹 迹). Measured against indexing every character alone (30,000 entries,
 *   PGlite): the GIN index grows 24 % instead of 121 %, at the same query latency.
 * - A query term with a synonym or short form (社保 ⇄ 社会保险, see `SearchSynonym`) matches either:
 *   the query becomes the alternatives it expands to, any of which may match.
 */

const cjkChar = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
/** CJK runs, and runs of other letters and digits (latin words, numbers) */
const runs =
  /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|(?:(?![\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[\p{L}\p{N}_])+/gu;

/** Changes whenever what the index holds for an entry changes; stored entries are then re-indexed. */
export const searchIndexVersion = '2-bigram-tail-folded';

/** Folds text to the form the index keeps: a pure text function (see fold.ts for the converter). */
export type Fold = (text: string) => string;

/** NFKC (full-width letters, compatibility ideographs), then traditional → simplified, then lower case. */
export function normalize(text: string, fold: Fold): string {
  return fold(text.normalize('NFKC')).toLowerCase();
}

/**
 * The index terms of a text that is already normalized: CJK bigrams plus the last character of each
 * CJK run alone (see above), and latin words and numbers whole.
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(runs) ?? []) {
    if (!cjkChar.test(run)) {
      out.push(run);
      continue;
    }
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
    out.push(chars[chars.length - 1] as string);
  }
  return out;
}

/** The weighted parts of an entry's index: A = name, B = summary and domain, C = data items. */
export function indexParts(
  r: {
    name: string;
    summary: string;
    domain: string;
    items: { label: string; name: string; description?: string }[];
  },
  fold: Fold,
) {
  const of = (text: string) => terms(normalize(text, fold)).join(' ');
  return {
    a: of(r.name),
    b: of(`${r.summary} ${r.domain}`),
    c: of(r.items.map((i) => `${i.label} ${i.name} ${i.description ?? ''}`).join(' ')),
    /** the folded name, for "the name contains the query outright" */
    name: normalize(r.name, fold),
  };
}

/** One line of the synonym table: a short form or other name, matched both ways. */
export interface SearchSynonym {
  term: string;
  synonym: string;
}

/** A query as the index can answer it. */
export interface SearchQuery {
  /** to_tsquery('simple', …) text: alternatives (OR) of terms that must all occur (AND) */
  tsquery: string;
  /** the normalized alternatives, for ranking entries whose name contains one outright */
  phrases: string[];
}

/** More alternatives than this would only slow the query down; the longest synonyms go first. */
export const maxAlternatives = 16;

/**
 * The query for what a user typed, expanded by the synonym table; undefined when it has nothing to
 * search for (only punctuation, say).
 */
export function searchQuery(q: string, fold: Fold, synonyms: readonly SearchSynonym[] = []): SearchQuery | undefined {
  const typed = normalize(q, fold).trim();
  if (terms(typed).length === 0) return undefined;
  const phrases = expand(typed, synonyms, fold);
  const alternatives = [...new Set(phrases.map(tsqueryOf).filter((t): t is string => t !== undefined))];
  const tsquery =
    alternatives.length === 1 ? (alternatives[0] as string) : alternatives.map((a) => `(${a})`).join(' | ');
  return { tsquery, phrases };
}

/**
 * The query and what the synonym table turns it into: each line applies both ways, replacing the
 * one side where it occurs (but not where it is part of the other side already: 身份证 in 居民身份证).
 */
export function expand(typed: string, synonyms: readonly SearchSynonym[], fold: Fold): string[] {
  const pairs = synonyms
    .flatMap((s) => {
      const a = normalize(s.term, fold).trim();
      const b = normalize(s.synonym, fold).trim();
      return a === '' || b === '' || a === b ? [] : [[a, b] as const, [b, a] as const];
    })
    .sort((x, y) => y[0].length - x[0].length || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out = [typed];
  for (const [from, to] of pairs) {
    for (const phrase of [...out]) {
      if (out.length >= maxAlternatives) return out;
      const next = replaceOutside(phrase, from, to);
      if (next !== phrase && !out.includes(next)) out.push(next);
    }
  }
  return out;
}

/** `text` with every `from` replaced by `to`, except where `from` lies inside an occurrence of `to`. */
function replaceOutside(text: string, from: string, to: string): string {
  const covered: [number, number][] = [];
  for (let i = text.indexOf(to); i >= 0; i = text.indexOf(to, i + 1)) covered.push([i, i + to.length]);
  let out = '';
  let at = 0;
  for (let i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + from.length)) {
    if (covered.some(([s, e]) => s <= i && i + from.length <= e)) continue;
    out += text.slice(at, i) + to;
    at = i + from.length;
  }
  return out + text.slice(at);
}

/**
 * One alternative as tsquery text: all its terms; a lone CJK character is a prefix (碳:*). Terms hold
 * only letters, digits and _ (see `terms`), so quoting them is enough to keep tsquery syntax out.
 */
function tsqueryOf(phrase: string): string | undefined {
  const parts: string[] = [];
  for (const run of phrase.match(runs) ?? []) {
    if (!cjkChar.test(run)) parts.push(`'${run}'`);
    else {
      const chars = [...run];
      if (chars.length === 1) parts.push(`'${run}':*`);
      for (let i = 0; i + 1 < chars.length; i++) parts.push(`'${chars[i]}${chars[i + 1]}'`);
    }
  }
  const unique = [...new Set(parts)];
  return unique.length === 0 ? undefined : unique.join(' & ');
}
