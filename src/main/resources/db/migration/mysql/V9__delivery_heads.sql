-- The dispatcher finds each session's earliest pending delivery by seeking, session by session,
-- in the pending part of this index (a loose index scan): its cost follows the number of sessions
-- with something pending, not the backlog behind their heads nor the deliveries already done.
-- status before session_id is what keeps done deliveries out of that walk; the index it replaces
-- (endpoint, session_id, status, delivery_id) made every seek step over a session's history.
DROP INDEX deliveries_in_session ON webhook_deliveries;
CREATE INDEX deliveries_heads ON webhook_deliveries (endpoint, status, session_id, delivery_id);
