import { type DatabaseHandle, type SQL, sql } from '@yrd/db';
import type { catalogV1 } from '@yrd/proto';
import type { FacetCount, SearchFilters, SearchPage } from '../app/ports.js';
import type { SearchQuery } from '../domain/search.js';

type Resource = catalogV1.Resource;

/** The facets of a search, in the order of their ids in catalog.search_values (facet 1 = province, …). */
const facetNames = ['province', 'agency', 'domain', 'sharing', 'open', 'grade'] as const;

/**
 * Regional search over published entries, in one statement over catalog.search_entries (published
 * entries only, no documents, the facets as integer ids: migrations 0007 and 0008).
 *
 * With a query, the matches are read once (the index's bitmap, then each matching row for its rank
 * and its facet ids) into a materialised set; the page is the top of that set (ranked by the name
 * containing the query outright, then ts_rank, then code), and the facet counts group the same set
 * twice only — by its five small facet ids together and by its agency id. The counts come back as
 * arrays of ids and counts, and are named, added up per facet and ordered here, from the dictionary
 * of facet values (`FacetValues`). Only the page's documents are read.
 *
 * Measured at 100,000 entries against the statement before it (two scans of the matches, grouping
 * texts, a row per facet value): bench/RESULTS.md.
 */
export async function searchEntries(
  h: DatabaseHandle,
  values: FacetValues,
  f: SearchFilters,
  q: SearchQuery | undefined,
): Promise<SearchPage> {
  const where = searchWhere(f, q);
  const limit = sql`limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`;
  const counts = sql`
    select null::jsonb as doc, null::bigint as at, json_build_object(
      'agency', array_agg(agency_id) filter (where small = 0), 'agencyCount', array_agg(n) filter (where small = 0),
      'province', array_agg(province_id) filter (where small = 1), 'domain', array_agg(domain_id) filter (where small = 1),
      'sharing', array_agg(sharing_id) filter (where small = 1), 'open', array_agg(open_id) filter (where small = 1),
      'grade', array_agg(grade_id) filter (where small = 1), 'count', array_agg(n) filter (where small = 1)) as groups
    from grouped`;
  // small = 1: a group of the five small facets together (the agency is not grouped on there)
  const grouped = (from: SQL) => sql`
    grouped as (
      select grouping(agency_id) as small, province_id, domain_id, sharing_id, open_id, grade_id, agency_id,
             count(*)::int as n
      from ${from}
      group by grouping sets ((province_id, domain_id, sharing_id, open_id, grade_id), (agency_id))
    )`;
  const statement = q
    ? sql`
      with m as materialized (
        select id, province_id, agency_id, domain_id, sharing_id, open_id, grade_id,
               (case when ${sql.join(
                 q.phrases.map((p) => sql`search_name like ${`%${escapeLike(p)}%`}`),
                 sql` or `,
               )} then 1 else 0 end) as hit,
               ts_rank(search_vector, to_tsquery('simple', ${q.tsquery})) as rank
        from catalog.search_entries where ${where}
      ),
      ${grouped(sql`m`)}
      select r.doc, p.at, null::json as groups
      from (select id, row_number() over (order by hit desc, rank desc, id) as at
            from (select id, hit, rank from m order by hit desc, rank desc, id ${limit}) t) p
      join catalog.resources r on r.id = p.id
      union all
      ${counts}`
    : // without a query every published entry matches, in code order: the page from the primary key
      sql`
      with ${grouped(sql`catalog.search_entries where ${where}`)}
      select r.doc, p.at, null::json as groups
      from (select id, row_number() over (order by id) as at
            from (select id from catalog.search_entries where ${where} order by id ${limit}) t) p
      join catalog.resources r on r.id = p.id
      union all
      ${counts}`;
  const rows = await h.rows<SearchRow>(statement);
  const items = rows
    .filter((r): r is SearchRow & { doc: Resource; at: number | string } => r.doc !== null && r.at !== null)
    .sort((a, b) => Number(a.at) - Number(b.at))
    .map((r) => r.doc);
  const groups = rows.find((r) => r.groups !== null)?.groups ?? undefined;
  return { items, ...(await values.facets(groups)) };
}

/** The filters of a search as SQL: facet values are looked up in the dictionary (none there: no match). */
function searchWhere(f: SearchFilters, q: SearchQuery | undefined): SQL {
  const conds = [q ? sql`search_vector @@ to_tsquery('simple', ${q.tsquery})` : sql`true`];
  const one = (facet: number, value: string) =>
    sql`(select id from catalog.search_values where facet = ${facet} and value = ${value} and label is null)`;
  if (f.province) conds.push(sql`province_id = ${one(1, f.province)}`);
  // an agency has one id per name it was published under
  if (f.agency) {
    conds.push(sql`agency_id in (select id from catalog.search_values where facet = 2 and value = ${f.agency})`);
  }
  if (f.domain) conds.push(sql`domain_id = ${one(3, f.domain)}`);
  if (f.sharing) conds.push(sql`sharing_id = ${one(4, f.sharing)}`);
  if (f.open) conds.push(sql`open_id = ${one(5, f.open)}`);
  if (f.grade) conds.push(sql`grade_id = ${one(6, f.grade)}`);
  return sql.join(conds, sql` and `);
}

/** One row of the search statement: a page entry (doc, at), or the facet counts (groups). */
interface SearchRow {
  doc: Resource | null;
  at: number | string | null;
  groups: Groups | null;
}

/** The grouped counts: per agency id, and per group of the five small facet ids (parallel arrays). */
interface Groups {
  agency: number[] | null;
  agencyCount: number[] | null;
  province: number[] | null;
  domain: number[] | null;
  sharing: number[] | null;
  open: number[] | null;
  grade: number[] | null;
  count: number[] | null;
}

/** A facet value of the dictionary, with its place among the facet's values and labels in the database's order. */
interface FacetValue {
  facet: number;
  value: string;
  label: string | null;
  valueOrder: number;
  labelOrder: number;
}

/**
 * The dictionary of facet values (catalog.search_values), kept in memory. Correct however many
 * processes write to the same database: an id is never changed nor reused, so what is held stays
 * true, and counts naming an id not held yet (a value added since, by any process) read it again.
 * The order of values and of labels is the database's (its collation), read with them, so that
 * facets come out ordered as `order by count desc, value` would order them in SQL.
 */
export class FacetValues {
  private byId = new Map<number, FacetValue>();

  constructor(private readonly h: DatabaseHandle) {}

  /**
   * Reads the dictionary again, after the statement that returned the ids asked for: it holds them.
   * Of two reads at once the one that read more is kept — values are only ever added, so it holds
   * all the other read, and its orders were taken over one set of values.
   */
  private async load(): Promise<void> {
    const rows = await this.h.rows<FacetValue & { id: number }>(sql`
      select id, facet, value, label,
             dense_rank() over (partition by facet order by value)::int as "valueOrder",
             dense_rank() over (partition by facet order by label)::int as "labelOrder"
      from catalog.search_values`);
    if (rows.length >= this.byId.size) this.byId = new Map(rows.map((r) => [r.id, r]));
  }

  /** The total and the six facets, named, added up per value and ordered (most first, then by value). */
  async facets(g: Groups | undefined): Promise<Pick<SearchPage, 'total' | 'facets'>> {
    const agency = g?.agency ?? [];
    const agencyCount = g?.agencyCount ?? [];
    const small = [g?.province ?? [], g?.domain ?? [], g?.sharing ?? [], g?.open ?? [], g?.grade ?? []];
    const count = g?.count ?? [];
    if ([...agency, ...small.flat()].some((id) => !this.byId.has(id))) await this.load();
    // per facet: value → its count, and the first label (in the database's order) of the agency's names
    const tally = new Map<number, Map<string, { count: number; v: FacetValue; label?: FacetValue }>>();
    const add = (id: number | undefined, n: number) => {
      const v = id === undefined ? undefined : this.byId.get(id);
      if (!v) throw new Error(`search: facet value ${id} is not in catalog.search_values`);
      const values = tally.get(v.facet) ?? new Map();
      tally.set(v.facet, values);
      const t = values.get(v.value);
      if (!t) values.set(v.value, { count: n, v, ...(v.label !== null ? { label: v } : {}) });
      else {
        t.count += n;
        if (v.label !== null && (!t.label || v.labelOrder < t.label.labelOrder)) t.label = v;
      }
    };
    let total = 0;
    agency.forEach((id, i) => {
      const n = agencyCount[i] ?? 0;
      total += n;
      add(id, n);
    });
    count.forEach((n, i) => {
      for (const ids of small) add(ids[i], n);
    });
    const facets: Record<string, FacetCount[]> = {};
    facetNames.forEach((name, i) => {
      const values = [...(tally.get(i + 1)?.values() ?? [])];
      values.sort((a, b) => b.count - a.count || a.v.valueOrder - b.v.valueOrder);
      facets[name] = values.map((t) =>
        name === 'agency' && t.label?.label != null
          ? { value: t.v.value, count: t.count, label: t.label.label }
          : { value: t.v.value, count: t.count },
      );
    });
    return { total, facets };
  }
}

export function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
