/**
 * The catalogue search as the page's URL holds it (so a search can be bookmarked, shared and
 * reached with the back button): the text, one value per facet, and the page. Only the parameters
 * the search API takes are read, and a tier, grade or province only when it is one (a stale or
 * hand-edited link then searches without that filter rather than failing).
 */
import { type Grade, isGrade, isProvince, isTier, type Province, type Tier } from '../vocabulary';

export const facetNames = ['province', 'agency', 'domain', 'sharing', 'open', 'grade'] as const;
export type FacetName = (typeof facetNames)[number];

export const pageSize = 10;

export interface SearchFilters {
  province?: Province;
  agency?: string;
  domain?: string;
  sharing?: Tier;
  open?: Tier;
  grade?: Grade;
}

export interface CatalogSearch {
  q?: string;
  filters: SearchFilters;
  page: number;
}

/** One facet's value as a filter, or nothing when it is not a value of that facet. */
function filterOf(facet: FacetName, v: string | null | undefined): SearchFilters {
  if (!v) return {};
  switch (facet) {
    case 'province':
      return isProvince(v) ? { province: v } : {};
    case 'sharing':
    case 'open':
      return isTier(v) ? { [facet]: v } : {};
    case 'grade':
      return isGrade(v) ? { grade: v } : {};
    case 'agency':
    case 'domain':
      return { [facet]: v };
  }
}

export function readSearch(params: URLSearchParams): CatalogSearch {
  let filters: SearchFilters = {};
  for (const f of facetNames) filters = { ...filters, ...filterOf(f, params.get(f)) };
  const q = params.get('q')?.trim();
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return { ...(q ? { q } : {}), filters, page: Number.isInteger(page) && page >= 1 ? page : 1 };
}

export function writeSearch(s: CatalogSearch): URLSearchParams {
  const out = new URLSearchParams();
  if (s.q) out.set('q', s.q);
  for (const f of facetNames) {
    const v = s.filters[f];
    if (v) out.set(f, v);
  }
  if (s.page > 1) out.set('page', String(s.page));
  return out;
}

/** A new text or facet starts again at the first page. */
export function withFacet(s: CatalogSearch, facet: FacetName, value: string | undefined): CatalogSearch {
  const { [facet]: _old, ...others } = s.filters;
  return { ...s, filters: { ...others, ...filterOf(facet, value) }, page: 1 };
}

export function withText(s: CatalogSearch, q: string): CatalogSearch {
  const text = q.trim();
  const { q: _old, ...rest } = s;
  return { ...rest, ...(text ? { q: text } : {}), page: 1 };
}

/** The query string of the search API for this search. */
export function apiQuery(s: CatalogSearch) {
  return { ...s.filters, ...(s.q ? { q: s.q } : {}), page: s.page, pageSize };
}
