-- 共享责任清单 (duties: what each agency must catalogue) and 负面清单 (what must not be shared), per
-- province. A removed line is kept with who removed it, when and why, so every change stays
-- traceable; only current lines (removed_at is null) must be unique.
create table catalog.duties (
  id             text primary key,
  province       text not null,
  agency_code    text not null,
  class_code     text not null,
  name           text not null,
  sharing_tier   text check (sharing_tier in ('unconditional', 'conditional', 'none')),
  due_date       date,
  note           text not null default '',
  created_by     text not null,
  created_at     timestamptz not null,
  removed_by     text,
  removed_at     timestamptz,
  removed_reason text,
  check ((removed_at is null) = (removed_by is null))
);
create unique index duties_current on catalog.duties (province, agency_code, class_code, name)
  where removed_at is null;

create table catalog.negative_list (
  id             text primary key,
  province       text not null,
  -- a class code of any level, matched as a prefix; or one entry
  class_code     text,
  resource_id    text,
  reason         text not null,
  legal_basis    text not null,
  created_by     text not null,
  created_at     timestamptz not null,
  removed_by     text,
  removed_at     timestamptz,
  removed_reason text,
  check ((class_code is null) <> (resource_id is null)),
  check ((removed_at is null) = (removed_by is null))
);
create unique index negative_list_current_class on catalog.negative_list (province, class_code)
  where removed_at is null and class_code is not null;
create unique index negative_list_current_resource on catalog.negative_list (province, resource_id)
  where removed_at is null and resource_id is not null;
