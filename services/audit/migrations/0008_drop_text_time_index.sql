-- records_occurred indexed occurred_at, the event's time as the text it came as. Since 0002 every time
-- filter reads occurred_ts (the instant), so no statement reads this index, while every appended
-- record still paid an entry in it. The column stays: it is what the event said.
drop index if exists audit.records_occurred;
