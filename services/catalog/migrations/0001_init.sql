create extension if not exists pg_trgm;
-- Catalogue entries of this province (origin = local) and the regional view of the others'
-- published entries (origin = federated). Every version of a local entry is kept.
create table catalog.resources (
  id            text primary key,
  province      text not null,
  origin        text not null check (origin in ('local', 'federated')),
  status        text not null check (status in ('draft', 'submitted', 'published', 'withdrawn')),
  version       integer not null,
  name          text not null,
  provider_code text not null,
  sharing_tier  text not null,
  open_tier     text not null,
  grade         text not null,
  domain        text not null default '',
  search_text   text not null,
  doc           jsonb not null,
  updated_at    timestamptz not null default now()
);
create index resources_search_trgm on catalog.resources using gin (search_text gin_trgm_ops);
create index resources_filters on catalog.resources (status, province, sharing_tier, grade);

create table catalog.resource_versions (
  id         text not null,
  version    integer not null,
  doc        jsonb not null,
  changed_by text not null,
  changed_at timestamptz not null default now(),
  primary key (id, version)
);

create table catalog.meta (key text primary key, value text not null);
