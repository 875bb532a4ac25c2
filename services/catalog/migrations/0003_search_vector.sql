-- Chinese full-text search on CJK bigrams (see src/domain/search.ts): a weighted tsvector per
-- entry, filled by the service (it computes the bigrams), with a GIN index.
alter table catalog.resources add column search_vector tsvector;
create index resources_search_vector on catalog.resources using gin (search_vector);
create index resources_provider on catalog.resources (provider_code);
drop index catalog.resources_search_trgm;
