-- A received event's fields are kept as the JSON text they came as, not jsonb: the requester only
-- stores them and hands them back to its readers, never queries inside them, and text costs about
-- half of jsonb to write and to read (bench/RESULTS.md, "Subscribe").
alter table exchange.subscription_events alter column fields type text using fields::text;
