-- Audit records (API.md §6): one row per audited request, never message text or tokens. Written
-- through the group commit, in the same transaction as a send, before the answer leaves. audit_id
-- orders them (oldest first) and is the cursor of audit/records; at_ms is what retention purges by.
CREATE TABLE audit_records (
    audit_id        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at_ms           BIGINT       NOT NULL,
    actor_role      VARCHAR(16)  NOT NULL,
    actor_id        VARCHAR(64),
    action          VARCHAR(64)  NOT NULL,
    session_id      VARCHAR(32),
    consultation_id VARCHAR(32),
    seq_from        BIGINT,
    seq_to          BIGINT,
    file_id         VARCHAR(64),
    request_id      VARCHAR(64)  NOT NULL,
    ip              VARCHAR(64),
    outcome         INTEGER      NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX audit_records_at ON audit_records (at_ms);
CREATE INDEX audit_records_by_actor ON audit_records (actor_id, audit_id);
CREATE INDEX audit_records_by_session ON audit_records (session_id, audit_id);
