-- Witnessing: the largest head of each other province this province verified, the alarms it raised
-- when a province's log did not extend what it had witnessed, and the co-signatures other provinces
-- gave this province's heads.
create table audit.witnessed (
  province   text primary key,
  size       bigint not null,
  root_hash  text not null,
  timestamp  text not null,
  seen_at    timestamptz not null
);

create table audit.witness_alarms (
  id        bigserial primary key,
  province  text not null,
  code      text not null,
  message   text not null,
  head      jsonb not null,
  raised_at timestamptz not null
);

create table audit.cosignatures (
  size       bigint not null,
  witness    text not null,
  root_hash  text not null,
  cosignature jsonb not null,
  received_at timestamptz not null,
  primary key (size, witness)
);
