-- 共享申请 held by the provider province (the authoritative copy), 授权 that approvals create,
-- and 授权书 (consent artefacts) issued by data subjects of this province.
create table consent.applications (
  id                 text primary key,
  requester_user     text not null,
  requester_agency   text not null,
  requester_province text not null,
  resource_id        text not null,
  resource_version   integer not null,
  provider_province  text not null,
  purpose            text not null,
  legal_basis        text not null,
  items              jsonb not null,
  modes              jsonb not null,
  valid_until        timestamptz not null,
  status             text not null check (status in ('submitted', 'approved', 'rejected', 'expired')),
  reason             text not null default '',
  decided_by         text not null default '',
  decided_at         timestamptz,
  grant_id           text not null default '',
  due_at             timestamptz not null,
  created_at         timestamptz not null default now()
);
create index applications_resource on consent.applications (resource_id, status);
create index applications_requester on consent.applications (requester_province, requester_agency);

create table consent.grants (
  id                 text primary key,
  application_id     text not null references consent.applications (id),
  requester_agency   text not null,
  requester_province text not null,
  resource_id        text not null,
  resource_version   integer not null,
  items              jsonb not null,
  purpose            text not null,
  modes              jsonb not null,
  valid_from         timestamptz not null,
  valid_until        timestamptz not null,
  status             text not null check (status in ('active', 'revoked', 'expired')),
  legal_duty         boolean not null default false,
  revoked_at         timestamptz
);
create index grants_requester on consent.grants (requester_province, requester_agency, resource_id);

create table consent.consents (
  id                 text primary key,
  subject_user       text not null,
  subject_ref        text not null,
  requester_agency   text not null,
  requester_province text not null,
  resource_id        text not null,
  items              jsonb not null,
  purpose            text not null,
  valid_until        timestamptz not null,
  status             text not null check (status in ('active', 'revoked', 'expired')),
  signature          text not null,
  key_id             text not null,
  created_at         timestamptz not null default now(),
  revoked_at         timestamptz
);
create index consents_subject on consent.consents (subject_user);
