/**
 * The search's GIN indexes after a bulk write. PGlite runs no autovacuum: with GIN's default
 * pending list (4 MB) the bigrams of thousands of newly published entries sat in a list that every
 * search read whole (migrations/0009_gin_pending_list.sql). A search now reads a few pages of an
 * index, however many entries were just written.
 */
import { type DatabaseHandle, migrate, openDatabase, sql } from '@yrd/db';
import { aResource, planNodes } from '@yrd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogRepo, catalogMigrations } from './index.js';

// entries as wide as real ones: ~40 bigrams each, one of them their own
const entries = 3000;

describe('the search indexes after entries are published in bulk', () => {
  let db: DatabaseHandle;

  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db, 'catalog', catalogMigrations);
    const repo = new CatalogRepo(db);
    await repo.save(aResource('zj', '330000-SCJG-00001', { name: '营业执照信息' }), 'local', 'tester');
    // copies of that entry, each published with its own words: through the trigger into the search table
    await db.db.execute(sql`
      insert into catalog.resources (id, province, origin, status, version, name, provider_code, sharing_tier,
                                     open_tier, grade, domain, search_text, search_vector, search_name, doc)
      select 'zj.330000-BULK-' || lpad(g::text, 5, '0'), province, origin, 'published', version, name, provider_code,
             sharing_tier, open_tier, grade, domain, search_text,
             to_tsvector('simple', 'k' || g || ' ' || (select string_agg('w' || (g + w) % 500, ' ')
                                                         from generate_series(1, 40) w)),
             search_name, doc
      from catalog.resources, generate_series(1, ${entries}) g
      where id = 'zj.330000-SCJG-00001'`);
    await db.db.execute(sql`analyze catalog.resources`);
    await db.db.execute(sql`analyze catalog.search_entries`);
  });
  afterAll(() => db.close());

  /** The pages the index scan of a one-entry match read, and the rows it found. */
  async function indexPages(table: 'search_entries' | 'resources', index: string) {
    const all = await planNodes(
      db,
      sql`select id from ${sql.raw(`catalog.${table}`)} where search_vector @@ to_tsquery('simple', 'k1234')`,
      { analyze: true },
    );
    const scan = all.find((n) => n['Index Name'] === index);
    expect(scan, JSON.stringify(all)).toBeDefined();
    return {
      pages: Number(scan?.['Shared Hit Blocks'] ?? 0) + Number(scan?.['Shared Read Blocks'] ?? 0),
      rows: all[0]?.['Actual Rows'],
    };
  }

  it('reads a few pages of the search table’s index, not a list of everything just published', async () => {
    // with the 4 MB list the 3,000 entries' ~120,000 bigrams (~250 pages) were all still pending here
    const { pages, rows } = await indexPages('search_entries', 'search_entries_vector');
    expect(rows).toBe(1);
    expect(pages).toBeLessThan(20);
  });

  it('the same for the entries’ own index, which an agency’s own list searches', async () => {
    const { pages, rows } = await indexPages('resources', 'resources_search_vector');
    expect(rows).toBe(1);
    expect(pages).toBeLessThan(20);
  });

  it('finds the bulk-published entries in a search with its total', async () => {
    const page = await new CatalogRepo(db).search({ q: undefined, page: 1, pageSize: 5 });
    expect(page.total).toBe(entries + 1);
  });
});
