-- Search synonyms and short forms (同义词/简称): a query term matches its synonyms, both ways. Kept
-- by the province admin like the duty and negative lists: a removed line stays with who removed it,
-- when and why; only current lines must be unique (in either order, see the index).
create table catalog.search_synonyms (
  id             text primary key,
  term           text not null,
  synonym        text not null,
  note           text not null default '',
  created_by     text not null,
  created_at     timestamptz not null,
  removed_by     text,
  removed_at     timestamptz,
  removed_reason text,
  check (term <> synonym),
  check ((removed_at is null) = (removed_by is null))
);
create unique index search_synonyms_current on catalog.search_synonyms (least(term, synonym), greatest(term, synonym))
  where removed_at is null;

-- The everyday short forms people type for names in the catalogue; the admin extends the list.
insert into catalog.search_synonyms (id, term, synonym, note, created_by, created_at) values
  ('seed-01', '出生证明', '出生医学证明', '简称', 'seed', now()),
  ('seed-02', '社保', '社会保险', '简称', 'seed', now()),
  ('seed-03', '医保', '医疗保障', '简称', 'seed', now()),
  ('seed-04', '医保', '医疗保险', '简称', 'seed', now()),
  ('seed-05', '身份证', '居民身份证', '简称', 'seed', now()),
  ('seed-06', '执照', '营业执照', '简称', 'seed', now()),
  ('seed-07', '公积金', '住房公积金', '简称', 'seed', now()),
  ('seed-08', '户口', '户籍', '俗称', 'seed', now()),
  ('seed-09', '驾照', '机动车驾驶证', '简称', 'seed', now()),
  ('seed-10', '驾驶证', '机动车驾驶证', '简称', 'seed', now()),
  ('seed-11', '行驶证', '机动车行驶证', '简称', 'seed', now()),
  ('seed-12', '低保', '最低生活保障', '简称', 'seed', now()),
  ('seed-13', '残疾证', '残疾人证', '俗称', 'seed', now()),
  ('seed-14', '结婚证', '婚姻登记', '俗称', 'seed', now()),
  ('seed-15', '房产证', '不动产权证书', '旧称', 'seed', now()),
  ('seed-17', '排污证', '排污许可证', '简称', 'seed', now()),
  ('seed-18', '食品许可', '食品经营许可', '简称', 'seed', now()),
  ('seed-19', '卫健委', '卫生健康委员会', '简称', 'seed', now()),
  ('seed-20', '人社', '人力资源和社会保障', '简称', 'seed', now()),
  ('seed-21', '市监', '市场监管', '简称', 'seed', now()),
  ('seed-22', '市场监管', '市场监督管理', '简称', 'seed', now());

-- The folded name (traditional → simplified, lower case), to rank entries whose name contains the
-- query outright; filled with the search index (the service re-indexes when its analyser changes).
alter table catalog.resources add column search_name text;
