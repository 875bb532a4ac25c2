-- Requests the provider has answered, by the requesting province and the request id, so that a retry
-- with the same id is answered with the same reply: served once, audited once. A row is 'serving'
-- while the request runs; a refused or failed request leaves none (its retry is decided afresh).
-- Replies are kept for a day (they hold only what was already granted and masked).
create table exchange.served (
  requester_province text not null,
  request_id         text not null,
  fingerprint        text not null,
  status             text not null check (status in ('serving', 'served')),
  reply              text not null default '',
  created_at         timestamptz not null,
  primary key (requester_province, request_id)
);
create index served_created on exchange.served (created_at);
