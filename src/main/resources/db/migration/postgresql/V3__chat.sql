-- One row per (patient, doctor). Each side's state lives in its own columns:
--   *_read_seq    how far that side has read
--   *_deleted_seq that side's deletion point: messages with seq <= it are hidden from that side,
--                 and the session is visible to that side only while last_seq > *_deleted_seq
--   *_change_seq  that side's user change counter (user_changes) at this session's latest change
CREATE TABLE sessions (
    session_id          VARCHAR(32)  NOT NULL PRIMARY KEY,
    patient_id          VARCHAR(64)  NOT NULL,
    patient_name        VARCHAR(64),
    doctor_id           VARCHAR(64)  NOT NULL,
    last_seq            BIGINT       NOT NULL DEFAULT 0,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    patient_read_seq    BIGINT       NOT NULL DEFAULT 0,
    doctor_read_seq     BIGINT       NOT NULL DEFAULT 0,
    patient_deleted_seq BIGINT       NOT NULL DEFAULT 0,
    doctor_deleted_seq  BIGINT       NOT NULL DEFAULT 0,
    patient_change_seq  BIGINT       NOT NULL DEFAULT 0,
    doctor_change_seq   BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT sessions_one_per_pair UNIQUE (patient_id, doctor_id)
);
CREATE INDEX sessions_patient_by_update ON sessions (patient_id, updated_at, session_id);
CREATE INDEX sessions_doctor_by_update ON sessions (doctor_id, updated_at, session_id);
CREATE INDEX sessions_patient_by_change ON sessions (patient_id, patient_change_seq);
CREATE INDEX sessions_doctor_by_change ON sessions (doctor_id, doctor_change_seq);

-- Messages are never deleted. A recalled message keeps its content (recalled = 1) for the record.
CREATE TABLE messages (
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
    CONSTRAINT messages_seq_per_session UNIQUE (session_id, seq),
    CONSTRAINT messages_resend_once UNIQUE (session_id, sender_role, sender_id, client_msg_id)
);

-- One change counter per user, bumped under its row lock in the transaction of every change
-- that user must hear of; the cursor of new_session is a value of this counter.
CREATE TABLE user_changes (
    role       VARCHAR(8)  NOT NULL,
    user_id    VARCHAR(64) NOT NULL,
    change_seq BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (role, user_id)
);

-- Secrets shared by every instance on this database (cursor signatures).
CREATE TABLE server_secrets (
    name  VARCHAR(32)  NOT NULL PRIMARY KEY,
    value VARCHAR(128) NOT NULL
);
