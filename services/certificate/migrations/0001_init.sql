-- 电子证照: the issuers' catalogue (发证目录), issued certificates with their life cycle, the
-- province's status lists, the keys' certificates, the single-use register of presentations,
-- 用证清单 and holders' authorisations, every use of a certificate, and disputes (异议核查).

-- 发证目录: one row per certificate type; `body` is the parsed type (domain/catalogue.ts)
create table certificate.types (
  type_code      text primary key,
  issuer_code    text not null,
  province       text not null,
  public         boolean not null,
  body           jsonb not null,
  created_by     text not null,
  updated_at     timestamptz not null
);
create index types_issuer on certificate.types (issuer_code);

-- per-issuer, per-year serial numbers of the identifier (identifier.ts)
create table certificate.serials (
  issuer_code    text not null,
  year           integer not null,
  last           integer not null,
  primary key (issuer_code, year)
);

-- key certificates this province's root signed (issuer and wallet keys); public
create table certificate.key_certificates (
  kid            text primary key,
  role           text not null check (role in ('issuer', 'wallet')),
  agency         text,
  compact        text not null,
  created_at     timestamptz not null
);

-- one row per certificate version
create table certificate.certificates (
  id             text primary key,
  series         text not null,
  version        integer not null,
  type_code      text not null references certificate.types (type_code),
  issuer_code    text not null,
  holder_type    text not null,
  holder_key_id  text not null,
  holder_ref     text not null,
  credential     text not null,
  -- the holder's disclosures (the platform keeps the wallet, see domain/presentation.ts)
  disclosures    jsonb not null,
  payload        jsonb not null,
  status         text not null check (status in ('active', 'suspended', 'cancelled', 'superseded')),
  reason         text,
  superseded_by  text,
  status_list    text not null,
  status_index   integer not null,
  issued_by      text not null,
  changed_at     timestamptz not null,
  unique (status_list, status_index)
);
create index certificates_holder on certificate.certificates (holder_ref);
create index certificates_series on certificate.certificates (series);

-- the province's bitstring status lists, W3C bit order (index 0 = most significant bit of byte 0)
create table certificate.status_lists (
  list           text not null,
  purpose        text not null check (purpose in ('revocation', 'suspension')),
  size           integer not null,
  bits           bytea not null,
  updated_at     timestamptz not null,
  primary key (list, purpose)
);

-- status indexes taken, per list pair: drawn at random, reserved before the certificate is signed
create table certificate.status_indexes (
  list           text not null,
  idx            integer not null,
  primary key (list, idx)
);

-- presentations already verified here: a nonce is accepted once, kept until it expires
create table certificate.nonces (
  jti            text primary key,
  expires_at     timestamptz not null
);

-- other provinces' public material a verifier here holds (key certificates, signed status lists)
create table certificate.foreign_material (
  kind           text not null check (kind in ('key_certificate', 'status_list')),
  key            text not null,
  province       text not null,
  compact        text not null,
  stored_at      timestamptz not null,
  primary key (kind, key)
);

-- 用证清单: a public service (事项) and the certificate types that replace its materials
create table certificate.services (
  code           text primary key,
  name           text not null,
  materials      jsonb not null,
  updated_by     text not null,
  updated_at     timestamptz not null
);

-- 授权: a holder lets one non-government user fetch certificates of some types for a purpose
create table certificate.authorisations (
  id             text primary key,
  holder_ref     text not null,
  user_province  text not null,
  user_sub       text not null,
  purpose        text not null,
  type_codes     jsonb not null,
  valid_until    timestamptz not null,
  created_at     timestamptz not null,
  revoked_at     timestamptz
);
create index authorisations_holder on certificate.authorisations (holder_ref);
create index authorisations_user on certificate.authorisations (user_province, user_sub);

-- every fetch and verification of a certificate, for its holder to see
create table certificate.uses (
  id             text primary key,
  certificate_id text not null,
  holder_ref     text not null,
  kind           text not null check (kind in ('fetch', 'verification')),
  user_province  text not null,
  user_sub       text not null,
  user_agency    text not null,
  user_kind      text not null,
  service_code   text,
  purpose        text,
  authorisation_id text,
  outcome        text not null,
  at             timestamptz not null
);
create index uses_holder on certificate.uses (holder_ref, at desc);
create index uses_certificate on certificate.uses (certificate_id);

-- 异议核查
create table certificate.disputes (
  id             text primary key,
  certificate_id text not null references certificate.certificates (id),
  issuer_code    text not null,
  body           jsonb not null,
  status         text not null check (status in ('open', 'corrected', 'rejected')),
  due_at         timestamptz not null
);
create index disputes_certificate on certificate.disputes (certificate_id, status);
create index disputes_issuer on certificate.disputes (issuer_code, status, due_at);
