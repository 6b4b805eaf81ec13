-- Consultations (API.md §4): a session holds any number, one after another.
-- due_at is the pending deadline of an open one (accept_deadline while waiting, end_deadline while
-- active) and null once it has ended: the deadline sweeper reads consultations by it.
CREATE TABLE consultations (
    consultation_id VARCHAR(32)  NOT NULL PRIMARY KEY,
    session_id      VARCHAR(32)  NOT NULL REFERENCES sessions (session_id),
    patient_id      VARCHAR(64)  NOT NULL,
    doctor_id       VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    order_no        VARCHAR(64),
    kind            VARCHAR(32)  NOT NULL,
    rounds_limit    INTEGER,
    rounds_used     INTEGER      NOT NULL DEFAULT 0,
    duration_ms     BIGINT       NOT NULL,
    accept_deadline BIGINT       NOT NULL,
    end_deadline    BIGINT,
    opened_at       BIGINT       NOT NULL,
    accepted_at     BIGINT,
    closed_at       BIGINT,
    close_reason    VARCHAR(16),
    close_note      VARCHAR(800),
    first_seq       BIGINT       NOT NULL,
    last_seq        BIGINT,
    due_at          BIGINT,
    request_digest  VARCHAR(64),
    -- MariaDB has no partial index: this column is the session while open, else null (NULLs never clash)
    open_session_id VARCHAR(32) AS (CASE WHEN status IN ('waiting', 'active') THEN session_id END) STORED,
    CONSTRAINT consultations_order_once UNIQUE (order_no),
    CONSTRAINT consultations_one_open UNIQUE (open_session_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX consultations_by_session ON consultations (session_id, opened_at, consultation_id);
CREATE INDEX consultations_due ON consultations (due_at);

-- The session row carries its open consultation's gate: every message already locks that row, so
-- a send checks and counts the patient's rounds in the statement that takes its seq.
--   c_id          the session's current or latest consultation
--   c_status      'waiting' or 'active' while one is open, else null
--   c_rounds_*    the open consultation's rounds (the consultations row gets them at each transition)
--   c_due_at      the open consultation's pending deadline
--   c_closed_at   when the latest one ended (the doctor's grace period runs from it)
ALTER TABLE sessions ADD COLUMN c_id VARCHAR(32);
ALTER TABLE sessions ADD COLUMN c_status VARCHAR(8);
ALTER TABLE sessions ADD COLUMN c_rounds_used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN c_rounds_limit INTEGER;
ALTER TABLE sessions ADD COLUMN c_due_at BIGINT;
ALTER TABLE sessions ADD COLUMN c_closed_at BIGINT;

ALTER TABLE messages ADD COLUMN consultation_id VARCHAR(32);
-- card: the card JSON as sent (msg_type card); event: {type, consultation} (msg_type system)
ALTER TABLE messages ADD COLUMN card TEXT;
ALTER TABLE messages ADD COLUMN event TEXT;
