-- records_provider indexed provider_province, which holds one of four provinces. Its one reader, the
-- stall watch's oldest exchange with a province, is bounded by time and reads records_occurred_ts
-- (on a log of 1,000,000 records the planner never chose this index for it, nor for the exchange
-- statistics), while every appended record paid an entry in it (~8 % of the insert). The column
-- stays, and records_requester too: the requester filter's `or actor_agency` reads it.
drop index if exists audit.records_provider;
