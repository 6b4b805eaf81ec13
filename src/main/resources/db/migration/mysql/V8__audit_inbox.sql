-- Audit records land here first, in the audited request's own transaction: append-only and with no
-- secondary index, so a commit writes a page or two for them however many sessions and actors it
-- touches. records.AuditInbox moves them into audit_records in bulk and in order (audit_id is given
-- there), where the indexes by actor and session then cost per page rather than per record.
CREATE TABLE audit_inbox (
    inbox_id        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
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
-- One row, locked by each move: instances move one at a time, so audit_id grows in commit order.
CREATE TABLE audit_mover (
    name VARCHAR(16) NOT NULL PRIMARY KEY
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO audit_mover (name) VALUES ('mover');
