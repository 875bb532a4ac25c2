-- Subscriptions (订阅) to a resource's change feed, on both sides. The provider's row drives delivery
-- from the subscription's durable JetStream consumer and holds who subscribed (Authorize is asked
-- again for them); the requester's row holds what its users see. One province can be both sides of
-- one subscription (a same-province feed), hence the side in the key.
create table exchange.subscriptions (
  side               text not null check (side in ('provider', 'requester')),
  id                 text not null,
  resource_id        text not null,
  provider_province  text not null,
  requester_province text not null,
  requester_agency   text not null,
  requester_user     text not null,
  requester_roles    jsonb not null default '[]',
  requester_kind     text not null default 'government',
  purpose            text not null,
  grant_id           text not null default '',
  -- the items asked for ([] = every granted item); what deliveries carry is decided at each delivery
  items              jsonb not null default '[]',
  -- as decided when the subscription started, for the requester's users to read
  granted_items      jsonb not null default '[]',
  masking            jsonb not null default '{}',
  status             text not null check (status in ('pending', 'active', 'ended')),
  end_code           text not null default '',
  end_reason         text not null default '',
  ended_at           timestamptz,
  -- provider side: the end is not yet audited and told to the requester (the sweep retries)
  end_pending        boolean not null default false,
  created_at         timestamptz not null,
  primary key (side, id)
);
create index subscriptions_status on exchange.subscriptions (side, status);
create index subscriptions_agency on exchange.subscriptions (side, requester_province, requester_agency);

-- Events the requester has received, each once: (subscription_id, event_id) is unique, so a
-- redelivery after a restart of either side adds nothing. seq is the cursor the requester's users
-- read after; batches of one subscription are stored one at a time (its row is locked), so seq
-- order is commit order and a reader never skips an event.
create table exchange.subscription_events (
  seq             bigserial primary key,
  subscription_id text not null,
  event_id        text not null,
  provider_seq    bigint not null,
  fields          jsonb not null,
  published_at    timestamptz,
  received_at     timestamptz not null,
  unique (subscription_id, event_id)
);
create index subscription_events_cursor on exchange.subscription_events (subscription_id, seq);
