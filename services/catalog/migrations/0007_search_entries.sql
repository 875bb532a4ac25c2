-- The regional search reads a narrow table of published entries only: the columns it filters, ranks
-- and counts facets on, without the entry's document or the other states' rows. A search touches
-- every page holding a match (to rank it and to count its facets), so at 100,000 entries the
-- width of the row is a large part of its cost: this table is ~40 % of catalog.resources' size. A trigger
-- keeps it in step with catalog.resources, whoever writes there (saves, re-index, bulk publishing).
create table catalog.search_entries (
  id            text primary key,
  province      text not null,
  provider_code text not null,
  -- the agency facet's label, so that counting facets never opens the document
  provider_name text,
  domain        text not null,
  sharing_tier  text not null,
  open_tier     text not null,
  grade         text not null,
  search_name   text,
  search_vector tsvector
);
create index search_entries_vector on catalog.search_entries using gin (search_vector);
-- facet filters narrow the text match before any row is read (a bitmap AND with the text index):
-- the agency alone, and the small facets together as catalog.resources_filters did
create index search_entries_provider on catalog.search_entries (provider_code);
create index search_entries_filters on catalog.search_entries (province, sharing_tier, grade, open_tier, domain);

create function catalog.sync_search_entry() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.id <> new.id) then
    delete from catalog.search_entries where id = old.id;
  end if;
  if tg_op = 'DELETE' then
    return null;
  end if;
  if new.status = 'published' then
    insert into catalog.search_entries (id, province, provider_code, provider_name, domain, sharing_tier, open_tier,
                                        grade, search_name, search_vector)
    values (new.id, new.province, new.provider_code, new.doc->'provider'->>'name', new.domain, new.sharing_tier,
            new.open_tier, new.grade, new.search_name, new.search_vector)
    on conflict (id) do update set province = excluded.province, provider_code = excluded.provider_code,
      provider_name = excluded.provider_name, domain = excluded.domain, sharing_tier = excluded.sharing_tier,
      open_tier = excluded.open_tier, grade = excluded.grade, search_name = excluded.search_name,
      search_vector = excluded.search_vector;
  else
    delete from catalog.search_entries where id = new.id;
  end if;
  return null;
end $$;

create trigger resources_search_entry after insert or update or delete on catalog.resources
  for each row execute function catalog.sync_search_entry();

insert into catalog.search_entries (id, province, provider_code, provider_name, domain, sharing_tier, open_tier, grade,
                                    search_name, search_vector)
select id, province, provider_code, doc->'provider'->>'name', domain, sharing_tier, open_tier, grade, search_name,
       search_vector
from catalog.resources where status = 'published';
