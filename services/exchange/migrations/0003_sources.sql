-- Where the records of a resource come from at this (provider) province. No row: the embedded
-- datasets. A row of kind http points at the provider agency's own system; secret_ref names where
-- the credential is kept (env:NAME), never the credential itself.
create table exchange.sources (
  resource_id   text primary key,
  kind          text not null check (kind in ('embedded', 'http')),
  -- the providing agency when configured, so a publisher can list its own sources
  provider_code text not null,
  url           text,
  method        text check (method in ('GET', 'POST')),
  timeout_ms    integer check (timeout_ms between 100 and 4000),
  header_name   text,
  secret_ref    text,
  max_records   integer check (max_records between 1 and 100),
  updated_by    text not null,
  updated_at    timestamptz not null,
  check (kind = 'embedded' or (url is not null and method is not null and timeout_ms is not null
                               and max_records is not null))
);
create index sources_provider on exchange.sources (provider_code);
