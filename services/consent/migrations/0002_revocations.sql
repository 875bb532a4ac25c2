-- 撤销登记 (revocation register): every grant and consent revoked anywhere in the region, as this
-- province heard of it, live or by catch-up. Authorize refuses what is here even when the issuing
-- province cannot be reached. Keyed on the id, so hearing of a revocation twice records it once.
create table consent.revocations (
  id          text primary key,
  kind        text not null check (kind in ('grant', 'consent')),
  province    text not null,
  revoked_at  timestamptz not null,
  received_at timestamptz not null
);

-- How far each issuing province has been caught up with: the last revocation its catch-up answered
-- with. Live events do not move it (one that arrives after a gap must not hide the gap).
create table consent.revocation_cursors (
  province    text primary key,
  revoked_at  timestamptz not null,
  id          text not null
);

-- an issuer answers catch-up from its own grants and consents, in (revoked_at, id) order
create index grants_revoked on consent.grants (revoked_at, id) where status = 'revoked';
create index consents_revoked on consent.consents (revoked_at, id) where status = 'revoked';
