-- 授权书 once or periodic, and the algorithm that signed it (Ed25519 now; SM2/SM3 later). A once-only
-- consent is good for one fetch: the provider records its use, and a second fetch is refused.
alter table consent.consents add column fetch_type text not null default 'periodic'
  check (fetch_type in ('once', 'periodic'));
alter table consent.consents add column alg text not null default '';

create table consent.consent_uses (
  consent_id text primary key,
  used_at    timestamptz not null,
  requester  text not null
);
