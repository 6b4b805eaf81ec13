-- SQLite only (one instance, one writer: events commit in event_seq order). Changes no longer fan
-- their events out into webhook_deliveries as they commit: the dispatcher reads each endpoint's new
-- events after its cursor, makes the first attempts, and writes one row per delivery with its
-- outcome afterwards, many in one commit, moving the cursor in the same transaction.
--   cursor_seq   every event up to it has its delivery row for this endpoint (null until synced)
ALTER TABLE webhook_endpoints ADD COLUMN cursor_seq BIGINT;

-- Most deliveries succeed at once and are never looked up by status again: the two indexes the
-- dispatcher and the gauges use hold only the rows still to settle, and deliveries_of_event, which
-- no query uses, goes, so a success costs a row of the table and no index entry.
DROP INDEX deliveries_of_event;
DROP INDEX deliveries_due;
CREATE INDEX deliveries_unsettled ON webhook_deliveries (status, endpoint, created_at) WHERE status <> 'succeeded';
DROP INDEX deliveries_heads;
CREATE INDEX deliveries_heads ON webhook_deliveries (endpoint, status, session_id, delivery_id) WHERE status = 'pending';
