-- Tracing by data subject and by time.
-- subject_ref: the hashed data-subject reference the event carries (never an ID number).
-- occurred_ts: occurred_at as an instant, so a time range compares moments and not strings (an event
-- may state its time with any offset); null when occurred_at is not a date-time.
alter table audit.records add column subject_ref text not null default '';
alter table audit.records add column occurred_ts timestamptz;

-- One parser for the backfill and for every insert, so old and new rows agree.
create function audit.try_timestamptz(t text) returns timestamptz language plpgsql stable as $$
begin
  return t::timestamptz;
exception when others then
  return null;
end
$$;

update audit.records set subject_ref = coalesce(fields->>'subjectRef', ''), occurred_ts = audit.try_timestamptz(occurred_at);

create index records_subject on audit.records (subject_ref);
create index records_occurred_ts on audit.records (occurred_ts);
