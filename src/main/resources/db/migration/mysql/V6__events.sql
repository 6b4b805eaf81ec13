-- Events out (API.md §5): the transactional outbox. A change writes its event row, and one
-- delivery row per endpoint subscribed to the type, in the transaction of the change itself:
-- nothing uncommitted is announced, nothing committed goes unannounced.
--   events.data       the event's data as JSON; null for message.created, whose message is read
--                     from messages when it is sent (msg_id, and the recipient as of the change)
--   event_seq         the order of events; deliveries go out in delivery_id order per session
CREATE TABLE events (
    event_seq      BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id       VARCHAR(32)  NOT NULL,
    type           VARCHAR(32)  NOT NULL,
    session_id     VARCHAR(32)  NOT NULL,
    msg_id         VARCHAR(32),
    recipient_role VARCHAR(8),
    recipient_id   VARCHAR(64),
    unread_count   BIGINT,
    data           TEXT,
    created_at     BIGINT       NOT NULL,
    CONSTRAINT events_id_once UNIQUE (event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX events_by_msg ON events (msg_id);

-- The configured endpoints as the database knows them: disabled_at is set when one answered 410.
CREATE TABLE webhook_endpoints (
    endpoint    VARCHAR(255) NOT NULL PRIMARY KEY,
    disabled_at BIGINT
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Which event types each enabled endpoint receives: a change's statement fans its event out with it.
CREATE TABLE webhook_subscriptions (
    endpoint VARCHAR(255) NOT NULL,
    type     VARCHAR(32)  NOT NULL,
    PRIMARY KEY (type, endpoint)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One event to one endpoint. status: pending | succeeded | failed. A dispatcher holds a pending one
-- while lease_until is in the future (its lease_owner is the instance sending it).
CREATE TABLE webhook_deliveries (
    delivery_id     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id        VARCHAR(32)  NOT NULL,
    type            VARCHAR(32)  NOT NULL,
    endpoint        VARCHAR(255) NOT NULL,
    session_id      VARCHAR(32)  NOT NULL,
    status          VARCHAR(10)  NOT NULL,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      VARCHAR(500),
    next_attempt_at BIGINT       NOT NULL,
    lease_owner     VARCHAR(32),
    lease_until     BIGINT,
    created_at      BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX deliveries_due ON webhook_deliveries (status, endpoint, next_attempt_at);
CREATE INDEX deliveries_in_session ON webhook_deliveries (endpoint, session_id, status, delivery_id);
CREATE INDEX deliveries_of_event ON webhook_deliveries (event_id);
