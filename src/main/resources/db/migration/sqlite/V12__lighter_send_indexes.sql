-- Three indexes each send wrote an entry to for nothing (docs/benchmarks.md, 2026-12-06: a
-- group-commit batch of 16 sessions' sends on SQLite wrote 39 pages, 14 of them to these):
--   messages_resend_once  now holds only messages with a client_msg_id, the only ones a resend can
--                         match; the seed protocol's clients send none. Uniqueness is unchanged (a
--                         NULL client_msg_id never collided), and the resend lookup
--                         (client_msg_id = ?) implies IS NOT NULL, so it still uses the index.
--   messages_by_file      now holds only messages with a file; its lookups (file_id = ?) likewise.
--   events_by_msg         goes: no query reads events by msg_id.
--
-- SQLite cannot drop a UNIQUE constraint of CREATE TABLE, so the table is rebuilt: every row,
-- rowid and all, copied in this migration's transaction; nothing refers to messages.
CREATE TABLE messages_rebuilt (
    msg_id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    session_id      VARCHAR(32)   NOT NULL REFERENCES sessions (session_id),
    seq             BIGINT        NOT NULL,
    sender_role     VARCHAR(8)    NOT NULL,
    sender_id       VARCHAR(64)   NOT NULL,
    msg_type        VARCHAR(8)    NOT NULL,
    text            TEXT,
    file_id         VARCHAR(64),
    file_name       VARCHAR(255),
    mime_type       VARCHAR(64),
    file_size       BIGINT,
    recalled_msg_id VARCHAR(32),
    recalled        SMALLINT      NOT NULL DEFAULT 0,
    client_msg_id   VARCHAR(64),
    created_at      BIGINT        NOT NULL,
    -- each party's change counter as this message gave it: the SSE event id of the message
    patient_change_seq BIGINT     NOT NULL,
    doctor_change_seq  BIGINT     NOT NULL,
    consultation_id VARCHAR(32),
    -- card: the card JSON as sent (msg_type card); event: {type, consultation} (msg_type system)
    card            TEXT,
    event           TEXT,
    CONSTRAINT messages_seq_per_session UNIQUE (session_id, seq)
);

INSERT INTO messages_rebuilt (rowid, msg_id, session_id, seq, sender_role, sender_id, msg_type, text, file_id,
        file_name, mime_type, file_size, recalled_msg_id, recalled, client_msg_id, created_at, patient_change_seq,
        doctor_change_seq, consultation_id, card, event)
    SELECT rowid, msg_id, session_id, seq, sender_role, sender_id, msg_type, text, file_id,
        file_name, mime_type, file_size, recalled_msg_id, recalled, client_msg_id, created_at, patient_change_seq,
        doctor_change_seq, consultation_id, card, event
    FROM messages;

DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;

CREATE INDEX messages_by_file ON messages (file_id, recalled) WHERE file_id IS NOT NULL;
CREATE UNIQUE INDEX messages_resend_once ON messages (session_id, sender_role, sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;

DROP INDEX events_by_msg;
