-- 我的申请: the applications this province's requesters submitted, kept at the requester's province
-- (the application itself lives at the provider province). Who applied for what, where and when,
-- and the state last read from the provider; nothing of the application's content, nothing personal.
create table consent.outgoing_applications (
  id                text primary key,
  provider_province text not null,
  resource_id       text not null,
  requester_agency  text not null,
  requester_user    text not null,
  submitted_at      timestamptz not null,
  last_status       text not null,
  grant_id          text not null default '',
  last_seen_at      timestamptz not null
);
create index outgoing_applications_agency on consent.outgoing_applications (requester_agency, submitted_at desc);
