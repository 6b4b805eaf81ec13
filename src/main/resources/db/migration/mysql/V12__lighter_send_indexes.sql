-- No query reads events by msg_id, and each send wrote an entry to this index for nothing
-- (docs/benchmarks.md, 2026-12-06). MySQL/MariaDB have no partial indexes, so the resend and file
-- indexes of messages stay whole here; SQLite and PostgreSQL make them partial in their V12.
DROP INDEX events_by_msg ON events;
