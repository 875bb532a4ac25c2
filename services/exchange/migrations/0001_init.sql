-- Records this province serves through the exchange, one row per data subject / entity of a
-- resource. record_key is the canonical JSON of the resource's key item values.
create table exchange.dataset_records (
  resource_id text not null,
  record_key  text not null,
  fields      jsonb not null,
  primary key (resource_id, record_key)
);
create index dataset_records_fields on exchange.dataset_records using gin (fields jsonb_path_ops);

create table exchange.meta (key text primary key, value text not null);
