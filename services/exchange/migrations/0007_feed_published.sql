-- The event ids a provider has published into its feed stream. A publish call's events travel as one
-- stream message, so the stream's per-message id no longer tells a publisher's retry from a new
-- event: this table does. An id is looked up before the publish and written after it, so a crash in
-- between can only publish an event twice (each requester stores an event once), never lose it.
-- One key column, `<resource id>/<event id>`, so that looking up a call's ids is a lookup in the
-- primary key whatever the planner knows of the table; rows go when the stream's retention would
-- have dropped the event (published_at grows with insertion order: a BRIN index is enough).
create table exchange.feed_published (
  event_key text primary key,
  published_at timestamptz not null
);
create index feed_published_at on exchange.feed_published using brin (published_at);
