-- Co-signatures are C2SP cosignature/v1 over one exact head (size, root, time, signing key id), kept
-- beside that head only. The rows before were keyed by (size, witness), so a head of the same size with
-- another root was shown with the old head's co-signatures; they were over an older format, and the
-- witnesses co-sign the current head again as soon as it is published, so they are dropped.
drop table audit.cosignatures;

create table audit.cosignatures (
  size         bigint not null,
  root_hash    text not null,
  head_key_id  text not null,
  head_ts      text not null,
  witness      text not null,
  cosignature  jsonb not null,
  received_at  timestamptz not null,
  primary key (size, root_hash, head_key_id, head_ts, witness)
);

-- An auditor asks for the inclusion proof of a record by its leaf hash (GET /api/audit/v1/proofs/inclusion),
-- found among the tree's leaves: the proof comes from the tree, not from the records table.
create index tree_leaves_by_hash on audit.tree_nodes (hash) where level = 0;
