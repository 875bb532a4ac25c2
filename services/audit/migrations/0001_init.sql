-- The province's append-only audit log (留痕): one row per event, in Merkle leaf order. `fields` are the
-- AuditRecordFields covered by the leaf (hashes of payloads, never payloads); the other columns are
-- copies of some of them for lookup.
create table audit.records (
  seq                bigint primary key check (seq >= 0),
  event_id           text not null unique,
  leaf_hash          text not null,
  fields             jsonb not null,
  request_id         text not null default '',
  resource_id        text not null default '',
  actor_agency       text not null default '',
  requester_province text not null default '',
  provider_province  text not null default '',
  occurred_at        text not null default '',
  recorded_at        timestamptz not null default now()
);
create index records_request on audit.records (request_id);
create index records_resource on audit.records (resource_id);
create index records_agency on audit.records (actor_agency);
create index records_requester on audit.records (requester_province);
create index records_provider on audit.records (provider_province);
create index records_occurred on audit.records (occurred_at);

-- Signed tree heads; `doc` is the whole SignedTreeHead as signed.
create table audit.tree_heads (
  size      bigint primary key check (size >= 0),
  root_hash text not null,
  ts        text not null,
  signature text not null,
  key_id    text not null,
  alg       text not null,
  doc       jsonb not null
);

-- The Merkle frontier after the last append (a cache: it can always be recomputed from leaf hashes).
create table audit.log_state (
  id       boolean primary key default true check (id),
  size     bigint not null,
  frontier jsonb not null
);
