-- Upload slots and the files they became. A row is created by pre_upload (status pending), turns
-- ready when upload_access verified the bytes, or rejected when they did not match. storage_key
-- is where the verified object lives (server-generated, never the client's file name);
-- upload_key, when set, is where the client's PUT goes (S3: a separate key, so that a still-valid
-- presigned PUT can never replace a verified file), cleared once the leftover is swept.
CREATE TABLE files (
    file_id     VARCHAR(32)  NOT NULL PRIMARY KEY,
    owner_id    VARCHAR(64)  NOT NULL,
    owner_role  VARCHAR(16)  NOT NULL,
    file_name   VARCHAR(255) NOT NULL,
    mime_type   VARCHAR(64)  NOT NULL,
    size        BIGINT       NOT NULL,
    sha256      CHAR(64),
    status      VARCHAR(16)  NOT NULL,
    storage_key VARCHAR(255) NOT NULL,
    upload_key  VARCHAR(255),
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    ready_at    BIGINT
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
-- pre_upload counts a user's pending, unexpired slots
CREATE INDEX files_by_owner_status ON files (owner_id, owner_role, status, expires_at);
-- the cleanup job finds expired slots by status and expiry
CREATE INDEX files_by_status_expiry ON files (status, expires_at);
