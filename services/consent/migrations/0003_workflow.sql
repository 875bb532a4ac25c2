-- The application workflow: compliance review (符合性审查), the provider's review, a second level for
-- the grades the rules name, coordination (协调) after a rejection, and escalation when overdue.
-- Every step is kept; the province's rules (管理规则) are versioned, each version kept.
alter table consent.applications drop constraint applications_status_check;
alter table consent.applications add constraint applications_status_check
  check (status in ('compliance_review', 'submitted', 'second_approval', 'coordination', 'approved', 'rejected', 'expired'));
alter table consent.applications add column grade text not null default 'general';
alter table consent.applications add column first_approved_by text not null default '';
alter table consent.applications add column legal_duty boolean not null default false;
alter table consent.applications add column coordinated boolean not null default false;
alter table consent.applications add column escalated boolean not null default false;
alter table consent.applications add column rules_version integer not null default 0;
alter table consent.applications add column provider_agency text not null default '';
alter table consent.applications alter column due_at drop not null;
create index applications_open on consent.applications (status, due_at);
create index applications_provider on consent.applications (provider_agency, status);

create table consent.application_steps (
  application_id text not null references consent.applications (id),
  seq            integer not null,
  action         text not null,
  from_status    text not null,
  to_status      text not null,
  actor_user     text not null,
  actor_agency   text not null,
  at             timestamptz not null,
  reason         text not null default '',
  primary key (application_id, seq)
);

create table consent.rules (
  version        integer primary key,
  doc            jsonb not null,
  changed_by     text not null,
  changed_at     timestamptz not null,
  reason         text not null,
  changed_fields jsonb not null default '[]'::jsonb
);
