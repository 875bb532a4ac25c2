-- 审核: a publisher submits, the province admin approves (published) or sends back (rejected).
alter table catalog.resource_history drop constraint resource_history_action_check;
alter table catalog.resource_history add constraint resource_history_action_check
  check (action in ('created', 'updated', 'submitted', 'rejected', 'published', 'withdrawn'));
