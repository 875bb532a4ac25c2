-- A GIN index takes new entries into a pending list, which every search reads whole, until VACUUM or
-- autovacuum moves them into the index or the list passes gin_pending_list_limit (4 MB by default).
-- Embedded PGlite runs no autovacuum, so the list only ever emptied at 4 MB: after entries were
-- published or imported in bulk, it held up to ~6,000 entries' bigrams (~500 pages), and a
-- selective search at 100,000 entries took 54-61 ms instead of 14-18 ms. The list now moves into
-- the index every 64 kB (a few pages): a search reads no more than that, and a bulk write still goes
-- into the index in batches (~0.07 ms an entry, against ~0.12 ms with no list at all and ~0.04 ms
-- with 4 MB). The same for the entries' own index, which an agency's list of its own entries searches.
alter index catalog.search_entries_vector set (gin_pending_list_limit = 64);
alter index catalog.resources_search_vector set (gin_pending_list_limit = 64);
select gin_clean_pending_list('catalog.search_entries_vector'::regclass);
select gin_clean_pending_list('catalog.resources_search_vector'::regclass);
