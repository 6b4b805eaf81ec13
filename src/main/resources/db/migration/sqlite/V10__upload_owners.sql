-- One row per user who ever asked for an upload slot. pre_upload locks the caller's row before it
-- counts the pending slots and inserts the next: concurrent pre_uploads of one user then take
-- turns, so the count never misses a slot another transaction is inserting (READ COMMITTED on
-- PostgreSQL, REPEATABLE READ on MySQL/MariaDB would both let two of them take the last slot).
CREATE TABLE upload_owners (
    owner_role VARCHAR(16) NOT NULL,
    owner_id   VARCHAR(64) NOT NULL,
    PRIMARY KEY (owner_role, owner_id)
);
