-- What the log appended is never changed afterwards: rows of audit.records, audit.tree_nodes and
-- audit.tree_heads are only inserted, and audit.log_state only moves forward with each append. Any
-- other change (a row deleted, a record's content or seq updated, a table truncated, log_state
-- deleted) is written down here by the database itself, in the same transaction as the change. The
-- audit service reads this at start and with every append and fails closed (AUDIT.LOG_INCONSISTENT)
-- while a row is here: an operator who has repaired the log deletes the rows and restarts.
create table audit.alterations (
  id      bigserial primary key,
  tbl     text not null,
  op      text not null,
  -- the record's seq, the node's level/idx or the head's size, when a row was touched
  ref     text not null default '',
  at      timestamptz not null default now()
);

create function audit.note_alteration() returns trigger language plpgsql as $$
begin
  if tg_level = 'STATEMENT' then
    insert into audit.alterations (tbl, op) values (tg_table_name, tg_op);
    return null;
  end if;
  if tg_table_name = 'records' then
    insert into audit.alterations (tbl, op, ref) values (tg_table_name, tg_op, old.seq::text);
  elsif tg_table_name = 'tree_nodes' then
    insert into audit.alterations (tbl, op, ref) values (tg_table_name, tg_op, old.level::text || '/' || old.idx::text);
  elsif tg_table_name = 'tree_heads' then
    insert into audit.alterations (tbl, op, ref) values (tg_table_name, tg_op, old.size::text);
  else
    insert into audit.alterations (tbl, op) values (tg_table_name, tg_op);
  end if;
  return null;
end
$$;

-- lookup columns (request_id, subject_ref, …) may be backfilled by a later migration: only what the
-- leaf covers counts
create trigger records_altered after update on audit.records for each row
  when (old.seq is distinct from new.seq or old.event_id is distinct from new.event_id
    or old.leaf_hash is distinct from new.leaf_hash or old.fields is distinct from new.fields)
  execute function audit.note_alteration();
create trigger records_deleted after delete on audit.records for each row execute function audit.note_alteration();
create trigger records_truncated after truncate on audit.records for each statement execute function audit.note_alteration();

create trigger tree_nodes_altered after update on audit.tree_nodes for each row
  when (old.level is distinct from new.level or old.idx is distinct from new.idx or old.hash is distinct from new.hash)
  execute function audit.note_alteration();
create trigger tree_nodes_deleted after delete on audit.tree_nodes for each row execute function audit.note_alteration();
create trigger tree_nodes_truncated after truncate on audit.tree_nodes for each statement execute function audit.note_alteration();

create trigger tree_heads_altered after update on audit.tree_heads for each row
  when (old.size is distinct from new.size or old.doc is distinct from new.doc or old.root_hash is distinct from new.root_hash
    or old.signature is distinct from new.signature)
  execute function audit.note_alteration();
create trigger tree_heads_deleted after delete on audit.tree_heads for each row execute function audit.note_alteration();
create trigger tree_heads_truncated after truncate on audit.tree_heads for each statement execute function audit.note_alteration();

create trigger log_state_deleted after delete on audit.log_state for each row execute function audit.note_alteration();
create trigger log_state_truncated after truncate on audit.log_state for each statement execute function audit.note_alteration();
