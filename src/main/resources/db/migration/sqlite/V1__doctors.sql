CREATE TABLE doctors (
    doctor_id  VARCHAR(64)   NOT NULL PRIMARY KEY,
    name       VARCHAR(64)   NOT NULL,
    title      VARCHAR(64),
    dept       VARCHAR(64),
    hospital   VARCHAR(128),
    avatar_url VARCHAR(512),
    intro      VARCHAR(2000),
    accepting  SMALLINT      NOT NULL DEFAULT 1,
    updated_at BIGINT        NOT NULL
);
CREATE INDEX doctors_by_dept ON doctors (dept, doctor_id);
