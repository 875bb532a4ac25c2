/**
 * Chinese has no spaces between words, so the catalogue indexes overlapping character bigrams
 * (the CJK n-gram approach of Lucene's CJKAnalyzer): 营业执照 → 营业 业执 执照. A query matches an
 * entry when every bigram of the query occurs in it, which finds 社保缴费 inside 社保缴费信息 without
 * a dictionary, never splits a word wrongly, and runs on PostgreSQL's own full-text index
 * (tsvector, 'simple' configuration) in PGlite and PostgreSQL alike. Latin words and numbers are
 * indexed whole, lower-cased. Name hits rank above summary hits, which rank above data-item hits.
 */

const cjk = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** The index terms of a text: CJK bigrams (a lone CJK character stays a unigram) and latin words. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const run of text.toLowerCase().match(/[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9_]+/gu) ?? []) {
    if (!cjk.test(run)) {
      out.push(run);
      continue;
    }
    const chars = [...run];
    if (chars.length === 1) out.push(run);
    for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  }
  return out;
}

/** The weighted parts of an entry's index: A = name, B = summary and domain, C = data items. */
export function indexParts(r: {
  name: string;
  summary: string;
  domain: string;
  items: { label: string; name: string; description?: string }[];
}) {
  return {
    a: terms(r.name).join(' '),
    b: terms(`${r.summary} ${r.domain}`).join(' '),
    c: terms(r.items.map((i) => `${i.label} ${i.name} ${i.description ?? ''}`).join(' ')).join(' '),
  };
}

/** The query's terms, deduplicated; empty when the query has nothing to search for. */
export function queryTerms(q: string): string[] {
  return [...new Set(terms(q))];
}
