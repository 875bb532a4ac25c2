-- 用证记录 across provinces: a use of another province's certificate is sent to its issuing province,
-- which keeps it for the holder. `recorded_in` says which province recorded a use (null: this one).
alter table certificate.uses add column recorded_in text;

-- The outbox of those sends, written in the same transaction as the local use: a row stays until the
-- issuing province acknowledged it (sent_at) or refused it for good (refused_code); a failed send
-- waits until next_at, later each time.
create table certificate.use_forwards (
  id               text primary key,
  issuer_province  text not null,
  body             jsonb not null,
  created_at       timestamptz not null,
  attempts         integer not null default 0,
  next_at          timestamptz not null,
  last_error       text,
  sent_at          timestamptz,
  refused_code     text
);
create index use_forwards_due on certificate.use_forwards (next_at) where sent_at is null and refused_code is null;
