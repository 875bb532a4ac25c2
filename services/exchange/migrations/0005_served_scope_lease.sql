-- A request id is the requesting agency's, not the whole province's: two agencies of one province
-- may use the same id without meeting. A 'serving' row is a lease, not a lock: a process killed
-- while serving leaves one behind, and once `lease_until` has passed a retry takes it over instead
-- of being refused as in progress for good. `claim` names the attempt holding the row, so a late
-- finish of an attempt whose lease was taken over changes nothing.
alter table exchange.served add column requester_agency text not null default '';
alter table exchange.served add column claim text not null default '';
alter table exchange.served add column lease_until timestamptz;
update exchange.served set lease_until = created_at;
alter table exchange.served alter column lease_until set not null;
alter table exchange.served drop constraint served_pkey;
alter table exchange.served add primary key (requester_province, requester_agency, request_id);
