import { type DatabaseHandle, type SQL, sql } from '@yrd/db';
import type { catalogV1 } from '@yrd/proto';
import type {
  CatalogStore,
  EntryStatus,
  HistoryEntry,
  ListFilters,
  ListScope,
  Origin,
  OwnFilters,
  OwnPage,
  SearchFilters,
  SearchPage,
  Step,
  StoredEntry,
} from '../app/ports.js';
import { simplifier } from '../domain/fold.js';
import { searchText } from '../domain/resource.js';
import { type Fold, indexParts, type SearchQuery, searchIndexVersion, searchQuery } from '../domain/search.js';
import { escapeLike, FacetValues, searchEntries } from './search-db.js';
import { SynonymRepo, type SynonymSource } from './synonym-db.js';

type Resource = catalogV1.Resource;

/** The catalogue's persistence, in SQL that PGlite and PostgreSQL both speak. */
export class CatalogRepo implements CatalogStore {
  constructor(
    private readonly h: DatabaseHandle,
    /** the synonym table queries are expanded with (this database's, by default) */
    private readonly synonyms: SynonymSource = new SynonymRepo(h),
  ) {
    this.facetValues = new FacetValues(h);
  }

  /** the dictionary of facet values the search names its counts from */
  private readonly facetValues: FacetValues;

  /** What the user typed as the index answers it: folded and expanded by the synonym table. */
  private async query(q: string | undefined): Promise<SearchQuery | undefined> {
    if (!q) return undefined;
    return searchQuery(q, await simplifier(), await this.synonyms.current());
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    const rows = await this.h.rows<{ doc: Resource; origin: string }>(
      sql`select doc, origin from catalog.resources where id = ${id}`,
    );
    const r = rows[0];
    return r ? { resource: r.doc, origin: r.origin } : undefined;
  }

  /**
   * Inserts or replaces an entry; a local entry also keeps the document of its version and, when a
   * lifecycle step is given, a history row — all in one transaction.
   */
  async save(r: Resource, origin: Origin, changedBy: string, step?: Step): Promise<void> {
    const fold = await simplifier();
    await this.h.db.transaction((tx) => write(tx, r, origin, changedBy, fold, step));
  }

  /** Many entries in one transaction: all of them or none (seeds, bulk import). */
  async saveMany(
    entries: { resource: Resource; step?: Step }[],
    origin: Origin,
    changedBy: string,
    onWritten?: (n: number) => void,
  ): Promise<void> {
    const fold = await simplifier();
    await this.h.db.transaction(async (tx) => {
      let n = 0;
      for (const e of entries) {
        await write(tx, e.resource, origin, changedBy, fold, e.step);
        n += 1;
        if (onWritten && n % 200 === 0) onWritten(n);
      }
      onWritten?.(n);
    });
  }

  async getMany(ids: string[]): Promise<Map<string, StoredEntry>> {
    const found = new Map<string, StoredEntry>();
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const rows = await this.h.rows<{ doc: Resource; origin: string }>(
        sql`select doc, origin from catalog.resources where id in (${sql.join(
          chunk.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
      for (const r of rows) found.set(r.doc.id, { resource: r.doc, origin: r.origin });
    }
    return found;
  }

  async history(id: string): Promise<HistoryEntry[]> {
    return this.h.rows<HistoryEntry>(sql`
      select seq, version, action, status, changed_by as "changedBy", changed_at as "changedAt", reason,
             changed_fields as "changedFields"
      from catalog.resource_history where id = ${id} order by seq`);
  }

  async version(id: string, version: number): Promise<Resource | undefined> {
    const rows = await this.h.rows<{ doc: Resource }>(
      sql`select doc from catalog.resource_versions where id = ${id} and version = ${version}`,
    );
    return rows[0]?.doc;
  }

  async removeFederated(id: string): Promise<void> {
    await this.h.db.execute(sql`delete from catalog.resources where id = ${id} and origin = 'federated'`);
  }

  /** Federated entries of one province, to reconcile a snapshot against. */
  async federatedIds(province: string): Promise<string[]> {
    const rows = await this.h.rows<{ id: string }>(
      sql`select id from catalog.resources where origin = 'federated' and province = ${province}`,
    );
    return rows.map((r) => r.id);
  }

  async publishedLocal(): Promise<Resource[]> {
    const rows = await this.h.rows<{ doc: Resource }>(
      sql`select doc from catalog.resources where origin = 'local' and status = 'published' order by id`,
    );
    return rows.map((r) => r.doc);
  }

  async countLocal(): Promise<number> {
    const rows = await this.h.rows<{ n: number }>(
      sql`select count(*)::int as n from catalog.resources where origin = 'local'`,
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Every entry matching the filters, in code order, for export: the regional published view, or
   * this province's own entries in any state (of one agency, or all for the admin).
   */
  async list(f: ListFilters, scope: ListScope): Promise<Resource[]> {
    const base = !scope.own
      ? sql`status = 'published'`
      : scope.agency
        ? sql`origin = 'local' and provider_code = ${scope.agency}`
        : sql`origin = 'local'`;
    const rows = await this.h.rows<{ doc: Resource }>(
      sql`select doc from catalog.resources where ${whereOf(f, await this.query(f.q), base)} order by province, id`,
    );
    return rows.map((r) => r.doc);
  }

  /**
   * A page of this province's own entries, most recently changed first: q matches the indexed text
   * (as in search) or the resource code; the counts per state ignore the status filter (the tabs).
   */
  async ownPage(f: OwnFilters, scope: { own: true; agency?: string }): Promise<OwnPage> {
    const conds = [sql`origin = 'local'`];
    if (scope.agency) conds.push(sql`provider_code = ${scope.agency}`);
    const q = await this.query(f.q);
    const code = f.q?.trim();
    if (code) {
      const byCode = sql`id ilike ${`%${escapeLike(code)}%`}`;
      conds.push(q ? sql`(search_vector @@ to_tsquery('simple', ${q.tsquery}) or ${byCode})` : byCode);
    }
    const scoped = sql.join(conds, sql` and `);
    const where = f.status ? sql`${scoped} and status = ${f.status}` : scoped;
    const items = await this.h.rows<{ doc: Resource }>(sql`
      select doc from catalog.resources where ${where}
      order by updated_at desc, id
      limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`);
    const counts: Record<EntryStatus, number> = { draft: 0, submitted: 0, published: 0, withdrawn: 0 };
    const byStatus = await this.h.rows<{ status: EntryStatus; n: number }>(
      sql`select status, count(*)::int as n from catalog.resources where ${scoped} group by status`,
    );
    for (const r of byStatus) counts[r.status] = r.n;
    const total = f.status ? counts[f.status] : Object.values(counts).reduce((a, b) => a + b, 0);
    return { total, items: items.map((r) => r.doc), counts };
  }

  /**
   * Brings every entry's search index to the current analyser (runs at start): all entries once after
   * the analyser changed (`searchIndexVersion`, kept in catalog.meta), and otherwise only those stored
   * without one. Idempotent; a start interrupted half-way starts over. Returns how many it indexed.
   */
  async reindex(batch = 500): Promise<number> {
    const fold = await simplifier();
    const key = 'search_index_version';
    const stored = await this.h.rows<{ value: string }>(sql`select value from catalog.meta where key = ${key}`);
    const all = stored[0]?.value !== searchIndexVersion;
    let n = 0;
    for (let after = ''; ; ) {
      const rows = await this.h.rows<{ id: string; doc: Resource }>(sql`
        select id, doc from catalog.resources
        where id > ${after} ${all ? sql`` : sql`and (search_vector is null or search_name is null)`}
        order by id limit ${batch}`);
      if (rows.length === 0) break;
      await this.h.db.transaction(async (tx) => {
        for (const { id, doc } of rows) {
          const p = indexParts(doc, fold);
          await tx.execute(
            sql`update catalog.resources set search_vector = ${vector(p)}, search_name = ${p.name} where id = ${id}`,
          );
        }
      });
      n += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
    }
    if (all) {
      await this.h.db.execute(sql`
        insert into catalog.meta (key, value) values (${key}, ${searchIndexVersion})
        on conflict (key) do update set value = excluded.value`);
    }
    return n;
  }

  /**
   * Regional search over published entries: every bigram of the query (or of one of the alternatives
   * the synonym table expands it to) must occur — full-text index on CJK bigrams, see
   * domain/search.ts; ranked by the name containing the query outright, then ts_rank over the
   * weighted name / summary / item terms; facets over the same filter. One statement over
   * catalog.search_entries: see search-db.ts.
   */
  async search(f: SearchFilters): Promise<SearchPage> {
    return searchEntries(this.h, this.facetValues, f, await this.query(f.q));
  }
}

/** The filters of a search as SQL, beside `base` (published entries, or one agency's own) when given. */
function whereOf(f: ListFilters, q: SearchQuery | undefined, base?: SQL) {
  const conds = base ? [base] : [sql`true`];
  if (q) conds.push(sql`search_vector @@ to_tsquery('simple', ${q.tsquery})`);
  if (f.province) conds.push(sql`province = ${f.province}`);
  if (f.agency) conds.push(sql`provider_code = ${f.agency}`);
  if (f.sharing) conds.push(sql`sharing_tier = ${f.sharing}`);
  if (f.open) conds.push(sql`open_tier = ${f.open}`);
  if (f.grade) conds.push(sql`grade = ${f.grade}`);
  if (f.domain) conds.push(sql`domain = ${f.domain}`);
  return sql.join(conds, sql` and `);
}

type Tx = Parameters<Parameters<DatabaseHandle['db']['transaction']>[0]>[0];

async function write(tx: Tx, r: Resource, origin: Origin, changedBy: string, fold: Fold, step?: Step) {
  const doc = JSON.stringify(r);
  const p = indexParts(r, fold);
  await tx.execute(sql`
      insert into catalog.resources (id, province, origin, status, version, name, provider_code, sharing_tier, open_tier, grade, domain, search_text, search_vector, search_name, doc, updated_at)
      values (${r.id}, ${r.province}, ${origin}, ${r.status}, ${r.version}, ${r.name}, ${r.provider?.creditCode ?? ''},
              ${r.sharingTier}, ${r.openTier}, ${r.grade}, ${r.domain}, ${searchText(r)}, ${vector(p)}, ${p.name}, ${doc}::jsonb, ${r.updatedAt})
      on conflict (id) do update set status = excluded.status, version = excluded.version, name = excluded.name,
        provider_code = excluded.provider_code, sharing_tier = excluded.sharing_tier, open_tier = excluded.open_tier,
        grade = excluded.grade, domain = excluded.domain, search_text = excluded.search_text,
        search_vector = excluded.search_vector, search_name = excluded.search_name, doc = excluded.doc, updated_at = excluded.updated_at
      where catalog.resources.version <= excluded.version`);
  if (origin === 'local') {
    await tx.execute(sql`
        insert into catalog.resource_versions (id, version, doc, changed_by)
        values (${r.id}, ${r.version}, ${doc}::jsonb, ${changedBy})
        on conflict (id, version) do update set doc = excluded.doc, changed_by = excluded.changed_by, changed_at = now()`);
    if (step) {
      await tx.execute(sql`
          insert into catalog.resource_history (id, seq, version, action, status, changed_by, changed_at, reason, changed_fields)
          select ${r.id}, coalesce(max(seq), 0) + 1, ${r.version}, ${step.action}, ${r.status}, ${changedBy},
                 ${r.updatedAt}, ${step.reason}, ${JSON.stringify(step.changedFields)}::jsonb
          from catalog.resource_history where id = ${r.id}`);
    }
  }
}

/** The weighted tsvector of an entry (A name, B summary and domain, C data items). */
function vector(p: { a: string; b: string; c: string }) {
  return sql`setweight(to_tsvector('simple', ${p.a}), 'A') || setweight(to_tsvector('simple', ${p.b}), 'B') || setweight(to_tsvector('simple', ${p.c}), 'C')`;
}
