-- Three indexes each send wrote an entry to for nothing (docs/benchmarks.md, 2026-12-06: a
-- group-commit batch of 16 sessions' sends on SQLite wrote 39 pages, 14 of them to these):
--   messages_resend_once  now holds only messages with a client_msg_id, the only ones a resend can
--                         match; the seed protocol's clients send none. Uniqueness is unchanged (a
--                         NULL client_msg_id never collided), and the resend lookup
--                         (client_msg_id = ?) implies IS NOT NULL, so it still uses the index.
--   messages_by_file      now holds only messages with a file; its lookups (file_id = ?) likewise.
--   events_by_msg         goes: no query reads events by msg_id.
--
-- The partial resend index is built before the constraint goes, in this one transaction: at no
-- moment is a resend unguarded.
CREATE UNIQUE INDEX messages_resend_partial ON messages (session_id, sender_role, sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_resend_once;
ALTER INDEX messages_resend_partial RENAME TO messages_resend_once;

DROP INDEX messages_by_file;
CREATE INDEX messages_by_file ON messages (file_id, recalled) WHERE file_id IS NOT NULL;

DROP INDEX events_by_msg;
