-- Who changed what and when: one row per lifecycle step of a local entry (created, updated to a
-- new version, published, withdrawn). resource_versions keeps the document of every version, so
-- a grant given for version n can always be shown what it was given for.
create table catalog.resource_history (
  id             text not null,
  seq            integer not null,
  version        integer not null,
  action         text not null check (action in ('created', 'updated', 'published', 'withdrawn')),
  status         text not null,
  changed_by     text not null,
  changed_at     timestamptz not null,
  reason         text not null default '',
  changed_fields jsonb not null default '[]'::jsonb,
  primary key (id, seq)
);
