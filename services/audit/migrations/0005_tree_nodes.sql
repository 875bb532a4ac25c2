-- The Merkle tree's nodes: the root of every perfect subtree of leaves [idx·2^level, (idx+1)·2^level)
-- the log holds in full, leaves (level 0) included, about two rows per record. Written with the
-- records they complete, in the same transaction, and never changed: proofs are computed from here,
-- O(log² n) rows each, so the service holds no tree in memory, and a record edited in audit.records
-- fails its own proof without spoiling its neighbours'. A log from before this table is filled in at
-- the service's next start.
create table audit.tree_nodes (
  level smallint not null check (level >= 0 and level < 64),
  idx   bigint not null check (idx >= 0),
  hash  bytea not null check (octet_length(hash) = 32),
  primary key (level, idx)
);
