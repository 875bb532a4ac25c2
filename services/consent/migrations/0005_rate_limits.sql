-- A grant's rate limit (requests per minute): asked for in the application, possibly lowered by the
-- provider when it approves, enforced by the provider's exchange.
alter table consent.applications add column rate_per_minute integer not null default 60;
alter table consent.grants add column rate_per_minute integer not null default 60;
