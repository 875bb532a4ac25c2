-- The regional subject key a record's subject_ref was made under ('' for records written before keyed
-- references: their subject_ref is the legacy unkeyed hash). A trace by person searches every
-- reference the person may carry, so old and new records are found together.
alter table audit.records add column subject_ref_key_id text not null default '';
update audit.records set subject_ref_key_id = coalesce(fields->>'subjectRefKeyId', '');
