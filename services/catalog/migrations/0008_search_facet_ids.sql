-- The facet columns of the search table become small integer ids into a dictionary of facet values,
-- so that a search groups its matches by integers, and the table narrows by the width of the texts.
-- A search counts its matches per id in one scan of them and names the ids from this dictionary
-- (see src/adapters/search-db.ts). A value's id never changes and no id is ever reused: a process
-- may keep the dictionary in memory and read it again when a search returns an id it does not know.
create table catalog.search_values (
  id    integer generated always as identity primary key,
  -- 1 province, 2 agency (value: its credit code, label: its name), 3 domain, 4 sharing, 5 open, 6 grade
  facet smallint not null,
  value text not null,
  -- the agency's name; null for the other facets and for an entry without a provider name
  label text,
  unique nulls not distinct (facet, value, label)
);

-- The id of a facet value, added to the dictionary when new (safe when several writers add it at once).
create function catalog.search_value_id(f smallint, v text, l text) returns integer language plpgsql as $$
declare
  found integer;
begin
  -- the unique index finds the value's one or two labels; the label is compared among those
  select id into found from catalog.search_values where facet = f and value = v and label is not distinct from l;
  if found is null then
    insert into catalog.search_values (facet, value, label) values (f, v, l) on conflict do nothing returning id into found;
  end if;
  if found is null then
    -- another writer added it since the first look
    select id into found from catalog.search_values where facet = f and value = v and label is not distinct from l;
  end if;
  return found;
end $$;

insert into catalog.search_values (facet, value, label)
select facet, value, label from (
  select distinct 1::smallint as facet, province as value, null::text as label from catalog.search_entries
  union select distinct 2::smallint, provider_code, provider_name from catalog.search_entries
  union select distinct 3::smallint, domain, null from catalog.search_entries
  union select distinct 4::smallint, sharing_tier, null from catalog.search_entries
  union select distinct 5::smallint, open_tier, null from catalog.search_entries
  union select distinct 6::smallint, grade, null from catalog.search_entries
) v order by facet, value, label;

-- rebuilt rather than updated in place, so that the search scans a table without dead rows
create table catalog.search_entries_ids (
  id            text not null,
  province_id   integer not null,
  agency_id     integer not null,
  domain_id     integer not null,
  sharing_id    integer not null,
  open_id       integer not null,
  grade_id      integer not null,
  search_name   text,
  search_vector tsvector
);
insert into catalog.search_entries_ids (id, province_id, agency_id, domain_id, sharing_id, open_id, grade_id, search_name,
                                        search_vector)
select e.id, p.id, a.id, d.id, s.id, o.id, g.id, e.search_name, e.search_vector
from catalog.search_entries e
join catalog.search_values p on p.facet = 1 and p.value = e.province and p.label is null
join catalog.search_values a on a.facet = 2 and a.value = e.provider_code and a.label is not distinct from e.provider_name
join catalog.search_values d on d.facet = 3 and d.value = e.domain and d.label is null
join catalog.search_values s on s.facet = 4 and s.value = e.sharing_tier and s.label is null
join catalog.search_values o on o.facet = 5 and o.value = e.open_tier and o.label is null
join catalog.search_values g on g.facet = 6 and g.value = e.grade and g.label is null;
drop table catalog.search_entries;
alter table catalog.search_entries_ids rename to search_entries;
alter table catalog.search_entries add constraint search_entries_pkey primary key (id);
create index search_entries_vector on catalog.search_entries using gin (search_vector);
-- facet filters narrow the text match before any row is read, as before: the agency alone, and the small facets
create index search_entries_agency on catalog.search_entries (agency_id);
create index search_entries_filters on catalog.search_entries (province_id, sharing_id, grade_id, open_id, domain_id);

create or replace function catalog.sync_search_entry() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.id <> new.id) then
    delete from catalog.search_entries where id = old.id;
  end if;
  if tg_op = 'DELETE' then
    return null;
  end if;
  if new.status = 'published' then
    insert into catalog.search_entries (id, province_id, agency_id, domain_id, sharing_id, open_id, grade_id, search_name,
                                        search_vector)
    values (new.id, catalog.search_value_id(1::smallint, new.province, null),
            catalog.search_value_id(2::smallint, new.provider_code, new.doc->'provider'->>'name'),
            catalog.search_value_id(3::smallint, new.domain, null),
            catalog.search_value_id(4::smallint, new.sharing_tier, null),
            catalog.search_value_id(5::smallint, new.open_tier, null),
            catalog.search_value_id(6::smallint, new.grade, null), new.search_name, new.search_vector)
    on conflict (id) do update set province_id = excluded.province_id, agency_id = excluded.agency_id,
      domain_id = excluded.domain_id, sharing_id = excluded.sharing_id, open_id = excluded.open_id,
      grade_id = excluded.grade_id, search_name = excluded.search_name, search_vector = excluded.search_vector;
  else
    delete from catalog.search_entries where id = new.id;
  end if;
  return null;
end $$;
