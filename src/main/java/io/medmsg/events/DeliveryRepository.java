package io.medmsg.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;

/** The SQL of deliveries and endpoints. Methods that write run inside {@code db.submit}. */
@Repository
class DeliveryRepository {

    /**
     * The earliest pending delivery of each session to one endpoint (API.md §5: in order per session
     * and endpoint) that is due and that no instance holds, oldest first. The sessions with something
     * pending are walked one index seek at a time (deliveries_heads), so the cost follows their
     * number, not the backlog behind each head: with a receiver behind, a session's head is in
     * flight and thousands wait after it, and a scan of those ran on every poll.
     */
    private static final String HEADS = "WITH RECURSIVE s (sid) AS (" + """
                SELECT MIN(session_id) FROM webhook_deliveries
                 WHERE endpoint = :endpoint AND status = 'pending'
                UNION ALL
                SELECT (SELECT MIN(w.session_id) FROM webhook_deliveries w
                         WHERE w.endpoint = :endpoint AND w.status = 'pending' AND w.session_id > s.sid)
                  FROM s WHERE s.sid IS NOT NULL)
            SELECT\s""" + Delivery.COLUMNS + """
             FROM s JOIN webhook_deliveries d ON d.delivery_id = (SELECT MIN(x.delivery_id) FROM webhook_deliveries x
                    WHERE x.endpoint = :endpoint AND x.status = 'pending' AND x.session_id = s.sid)
            WHERE d.next_attempt_at <= :now AND (d.lease_until IS NULL OR d.lease_until < :now)
            ORDER BY d.delivery_id LIMIT :limit""";

    /** A session's pending deliveries to one endpoint from its head on, in order: a run to send one after another. */
    private static final String RUN = "SELECT " + Delivery.COLUMNS + ", lease_until" + """
             FROM webhook_deliveries
            WHERE endpoint = :endpoint AND status = 'pending' AND session_id = :sessionId AND delivery_id >= :head
            ORDER BY delivery_id LIMIT :limit""";

    /** Takes the leases of the rows no instance holds (the row locks decide between instances), under one claim's name. */
    private static final String LEASE = """
            UPDATE webhook_deliveries SET lease_owner = :owner, lease_until = :until
            WHERE delivery_id IN (:ids) AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)""";

    private static final String LEASED = """
            SELECT delivery_id FROM webhook_deliveries WHERE delivery_id IN (:ids) AND lease_owner = :owner""";

    /** The row's endpoint answered 410 (here or on another instance) while the row was leased. */
    private static final String ENDPOINT_DISABLED = """
            EXISTS (SELECT 1 FROM webhook_endpoints w
                     WHERE w.endpoint = webhook_deliveries.endpoint AND w.disabled_at IS NOT NULL)""";

    private static final String GONE = "the endpoint answered 410 Gone and is disabled";

    /** A released row of a disabled endpoint fails, as the disable failed the unleased ones. */
    private static final String RELEASE = """
            UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL,
                status = CASE WHEN %1$s THEN 'failed' ELSE status END,
                last_error = CASE WHEN %1$s THEN :gone ELSE last_error END
            WHERE delivery_id = :id AND lease_owner = :owner AND status = 'pending'""".formatted(ENDPOINT_DISABLED);

    /** An attempt that would be retried fails instead once its endpoint is disabled. */
    private static final String OUTCOME = """
            UPDATE webhook_deliveries SET status = CASE WHEN :status = 'pending' AND %s THEN 'failed' ELSE :status END,
                attempts = attempts + 1, last_status = :lastStatus,
                last_error = :lastError, next_attempt_at = :next, lease_owner = NULL, lease_until = NULL
            WHERE delivery_id = :id AND lease_owner = :owner AND status = 'pending'""".formatted(ENDPOINT_DISABLED);

    /** The event rows of a run's deliveries (a run holds at most {@link Dispatcher#RUN}). */
    private static final String EVENTS = "SELECT " + Outbox.COLUMNS + " FROM events WHERE event_id IN (:ids)";

    private static final String INSERT_ENDPOINT = "INSERT INTO webhook_endpoints (endpoint, disabled_at) VALUES (:endpoint, NULL)";
    private static final String DISABLED = "SELECT endpoint FROM webhook_endpoints WHERE disabled_at IS NOT NULL";
    private static final String DISABLE = "UPDATE webhook_endpoints SET disabled_at = :now WHERE endpoint = :endpoint";
    private static final String ENABLE = "UPDATE webhook_endpoints SET disabled_at = NULL WHERE endpoint = :endpoint";
    private static final String UNSUBSCRIBE = "DELETE FROM webhook_subscriptions WHERE endpoint = :endpoint";
    private static final String SUBSCRIBE = "INSERT INTO webhook_subscriptions (endpoint, type) VALUES (:endpoint, :type)";
    private static final String SUBSCRIBED = "SELECT DISTINCT endpoint FROM webhook_subscriptions";
    private static final String FAIL_PENDING = """
            UPDATE webhook_deliveries SET status = 'failed', last_error = :error, lease_owner = NULL, lease_until = NULL
            WHERE endpoint = :endpoint AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)""";

    private static final String PAGE = "SELECT " + Delivery.COLUMNS + " FROM webhook_deliveries WHERE delivery_id < :before";
    private static final String PAGE_STATUS = " AND status = :status";
    private static final String PAGE_ENDPOINT = " AND endpoint = :endpoint";
    private static final String PAGE_ORDER = " ORDER BY delivery_id DESC LIMIT :limit";

    private static final String REQUEUE_ONE = """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, lease_owner = NULL,
                lease_until = NULL
            WHERE delivery_id = :id AND status <> 'pending'""";
    private static final String REQUEUE_SINCE = """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, lease_owner = NULL,
                lease_until = NULL
            WHERE endpoint = :endpoint AND created_at >= :since AND status <> 'succeeded' AND status = 'failed'""";

    // "status <> 'succeeded'" repeats the WHERE of SQLite's partial index (V11), which a query must
    // name literally to use it; on the servers it changes nothing
    private static final String COUNT = """
            SELECT COUNT(*) FROM webhook_deliveries WHERE status <> 'succeeded' AND status = :status""";
    private static final String OLDEST_PENDING = """
            SELECT MIN(created_at) FROM webhook_deliveries WHERE status <> 'succeeded' AND status = 'pending'""";

    /** The events an endpoint's cursor has not passed, oldest first (SQLite: they commit in this order). */
    private static final String EVENTS_AFTER = "SELECT event_seq, " + Outbox.COLUMNS + """
            \sFROM events WHERE event_seq > :cursor ORDER BY event_seq LIMIT :limit""";
    private static final String CURSORS = """
            SELECT endpoint, cursor_seq FROM webhook_endpoints WHERE cursor_seq IS NOT NULL""";
    private static final String START_CURSOR = """
            UPDATE webhook_endpoints SET cursor_seq = (SELECT COALESCE(MAX(event_seq), 0) FROM events)
            WHERE endpoint = :endpoint AND cursor_seq IS NULL""";
    private static final String SKIP_DISABLED_TIME = """
            UPDATE webhook_endpoints SET cursor_seq = (SELECT COALESCE(MAX(event_seq), 0) FROM events)
            WHERE endpoint = :endpoint AND disabled_at IS NOT NULL""";
    private static final String FORGET_CURSOR = "UPDATE webhook_endpoints SET cursor_seq = NULL WHERE endpoint = :endpoint";
    private static final String MOVE_CURSOR = """
            UPDATE webhook_endpoints SET cursor_seq = :seq WHERE endpoint = :endpoint AND cursor_seq < :seq""";
    /** Of these sessions, those with a delivery to the endpoint still to settle: their next events queue behind it. */
    private static final String PENDING_SESSIONS = """
            SELECT DISTINCT session_id FROM webhook_deliveries
            WHERE endpoint = :endpoint AND status = 'pending' AND session_id IN (:ids)""";
    private static final String INSERT_ATTEMPTED = """
            INSERT INTO webhook_deliveries (event_id, type, endpoint, session_id, status, attempts, last_status,
                last_error, next_attempt_at, created_at)
            VALUES (:eventId, :type, :endpoint, :sessionId, :status, :attempts, :lastStatus, :lastError, :next,
                :createdAt)""";
    /** The subscribed events each enabled endpoint's cursor has not passed: pending, though they have no row yet. */
    // CROSS JOIN keeps SQLite's planner on the endpoints first, then the range of events after each
    // cursor; left to itself it built an index on events.type, a scan of them all, at every scrape
    private static final String BEHIND_CURSORS = """
            SELECT COUNT(*) AS n, MIN(e.created_at) AS oldest
            FROM webhook_endpoints w CROSS JOIN events e
            WHERE w.cursor_seq IS NOT NULL AND w.disabled_at IS NULL AND e.event_seq > w.cursor_seq
              AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.type = e.type AND s.endpoint = w.endpoint)""";

    private final Database db;
    private final String insertEndpoint;
    /** SQLite: the dispatcher follows the events with a cursor per endpoint ({@link EventFeed}). */
    private final boolean cursors;

    DeliveryRepository(Database db) {
        this.db = db;
        this.insertEndpoint = db.dialect().insertIfAbsent(INSERT_ENDPOINT);
        this.cursors = db.dialect().hasOneWriter();
    }

    /** Up to {@code limit} heads of sessions that may be sent now, read without the writer. */
    List<Delivery> heads(String endpoint, int limit, long now) {
        return db.read().sql(HEADS).param("endpoint", endpoint).param("now", now).param("limit", limit)
                .query(Delivery::map).list();
    }

    /**
     * The head and the pending deliveries after it, up to {@code limit}, cut before the first one
     * that is not due or is held: what may be sent one after another once their leases are taken.
     */
    List<Delivery> run(Delivery head, int limit, long now) {
        List<Delivery> run = new ArrayList<>();
        for (Map.Entry<Delivery, Long> row : db.read().sql(RUN).param("endpoint", head.endpoint())
                .param("sessionId", head.sessionId()).param("head", head.deliveryId()).param("limit", limit)
                .query((rs, n) -> {
                    long until = rs.getLong("lease_until");
                    return Map.entry(Delivery.map(rs, n), rs.wasNull() ? Long.MIN_VALUE : until);
                }).list()) {
            Delivery d = row.getKey();
            if (d.nextAttemptAt() > now || row.getValue() >= now) {
                break;
            }
            run.add(d);
        }
        return run;
    }

    /**
     * Takes the leases of the runs for {@code owner}, the name of this claim, until {@code until}, in
     * one statement, and keeps of each run the part before the first delivery it could not take
     * (another instance has it, or it is done): sending a later one would overtake it. The rest is
     * released. Runs inside {@code db.submit}.
     */
    List<List<Delivery>> lease(List<List<Delivery>> runs, String owner, long now, long until) {
        List<Long> ids = runs.stream().flatMap(List::stream).map(Delivery::deliveryId).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        db.write().sql(LEASE).param("owner", owner).param("until", until).param("now", now).param("ids", ids).update();
        Set<Long> leased = new HashSet<>(db.write().sql(LEASED).param("ids", ids)
                .param("owner", owner).query(Long.class).list());
        List<List<Delivery>> taken = new ArrayList<>();
        List<Long> release = new ArrayList<>();
        for (List<Delivery> run : runs) {
            int n = 0;
            while (n < run.size() && leased.contains(run.get(n).deliveryId())) {
                n++;
            }
            if (n > 0) {
                taken.add(List.copyOf(run.subList(0, n)));
            }
            run.subList(n, run.size()).stream().map(Delivery::deliveryId).filter(leased::contains).forEach(release::add);
        }
        release(release, owner);
        return taken;
    }

    /** Gives back leases this claim holds without an attempt (a run cut short): other dispatchers may take them. */
    void release(List<Long> ids, String owner) {
        if (!ids.isEmpty()) {
            db.batchUpdate(RELEASE, ids.stream().map(id -> new MapSqlParameterSource("id", id).addValue("owner", owner)
                    .addValue("gone", GONE))
                    .toArray(SqlParameterSource[]::new));
        }
    }

    /** One attempt's outcome: see {@link #outcomes}. */
    record Outcome(long deliveryId, String owner, String status, Integer lastStatus, String lastError, long next) {
    }

    /**
     * Records attempts' outcomes in one JDBC batch, each unless its lease was lost meanwhile (then
     * the instance that took it over decides). Runs inside {@code db.submit}.
     */
    void outcomes(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        db.batchUpdate(OUTCOME, outcomes.stream().map(o -> {
            Map<String, Object> p = new HashMap<>();
            p.put("id", o.deliveryId());
            p.put("owner", o.owner());
            p.put("status", o.status());
            p.put("lastStatus", o.lastStatus());
            p.put("lastError", truncated(o.lastError()));
            p.put("next", o.next());
            return new MapSqlParameterSource(p);
        }).toArray(SqlParameterSource[]::new));
    }

    /** The rows of these events by id; an event that does not exist is not in the map. */
    Map<String, Map<String, Object>> events(Collection<String> eventIds) {
        Map<String, Map<String, Object>> rows = new HashMap<>();
        for (Map<String, Object> row : db.readIn(EVENTS, "ids", eventIds, new ColumnMapRowMapper())) {
            rows.put((String) row.get("event_id"), row);
        }
        return rows;
    }

    /** The configured endpoints as the database should know them: subscribed to their types unless disabled. */
    void sync(List<WebhookSettings.Endpoint> endpoints) {
        List<String> disabled = disabled();
        List<String> configured = endpoints.stream().map(WebhookSettings.Endpoint::url).toList();
        for (String old : db.write().sql(SUBSCRIBED).query(String.class).list()) {
            if (!configured.contains(old)) {
                db.write().sql(UNSUBSCRIBE).param("endpoint", old).update();
                if (cursors) {
                    // configured again one day, it hears of the events from then on, not of the time between
                    db.write().sql(FORGET_CURSOR).param("endpoint", old).update();
                }
            }
        }
        for (WebhookSettings.Endpoint e : endpoints) {
            db.write().sql(insertEndpoint).param("endpoint", e.url()).update();
            if (cursors) {
                // a new endpoint hears of the events from now on, as it would from the fan-out
                db.write().sql(START_CURSOR).param("endpoint", e.url()).update();
            }
            subscribe(e, !disabled.contains(e.url()));
        }
    }

    private void subscribe(WebhookSettings.Endpoint e, boolean enabled) {
        db.write().sql(UNSUBSCRIBE).param("endpoint", e.url()).update();
        if (enabled) {
            for (String type : e.events()) {
                db.write().sql(SUBSCRIBE).param("endpoint", e.url()).param("type", type).update();
            }
        }
    }

    List<String> disabled() {
        return db.read().sql(DISABLED).query(String.class).list();
    }

    /** 410: no more events for this endpoint; what was pending fails. */
    void disable(String endpoint, long now) {
        db.write().sql(DISABLE).param("endpoint", endpoint).param("now", now).update();
        db.write().sql(UNSUBSCRIBE).param("endpoint", endpoint).update();
        // a row in flight keeps the outcome of its attempt (it fails when written or released, see OUTCOME)
        db.write().sql(FAIL_PENDING).param("endpoint", endpoint).param("now", now).param("error", GONE).update();
    }

    void enable(WebhookSettings.Endpoint e) {
        if (cursors) {
            // what happened while it was disabled is not sent, as no fan-out would have queued it
            db.write().sql(SKIP_DISABLED_TIME).param("endpoint", e.url()).update();
        }
        db.write().sql(ENABLE).param("endpoint", e.url()).update();
        subscribe(e, true);
    }

    List<Delivery> page(String status, String endpoint, long before, int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("status", status);
        p.put("endpoint", endpoint);
        p.put("before", before);
        p.put("limit", limit);
        String sql = PAGE + (status == null ? "" : PAGE_STATUS) + (endpoint == null ? "" : PAGE_ENDPOINT) + PAGE_ORDER;
        return db.read().sql(sql).params(p).query(Delivery::map).list();
    }

    int requeue(long deliveryId, long now) {
        return db.write().sql(REQUEUE_ONE).param("id", deliveryId).param("now", now).update();
    }

    int requeue(String endpoint, long since, long now) {
        return db.write().sql(REQUEUE_SINCE).param("endpoint", endpoint).param("since", since).param("now", now).update();
    }

    long count(String status) {
        return db.read().sql(COUNT).param("status", status).query(Long.class).single();
    }

    /** When the oldest pending delivery was created, or null when none is pending. */
    Long oldestPending() {
        return db.read().sql(OLDEST_PENDING).query(Long.class).optional().orElse(null);
    }

    /** Where each endpoint's cursor stands (SQLite), by endpoint. */
    Map<String, Long> cursors() {
        return db.read().sql(CURSORS).query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Up to {@code limit} events after {@code cursor}, oldest first, each with its {@code event_seq}. */
    List<Map<String, Object>> eventsAfter(long cursor, int limit) {
        return db.read().sql(EVENTS_AFTER).param("cursor", cursor).param("limit", limit).query(new ColumnMapRowMapper())
                .list();
    }

    /** Of {@code sessionIds} (at most a cursor step's events), those with a pending delivery to the endpoint. */
    Set<String> pendingSessions(String endpoint, Collection<String> sessionIds) {
        return new HashSet<>(db.read().sql(PENDING_SESSIONS).param("endpoint", endpoint).param("ids", sessionIds)
                .query(String.class).list());
    }

    /** A delivery written once its first attempt is over (or, queued behind another, before it). */
    record Attempted(String eventId, String type, String endpoint, String sessionId, String status, int attempts,
            Integer lastStatus, String lastError, long next, long createdAt) {
    }

    /** Writes the deliveries of a cursor's step and moves the cursor past them. Runs inside {@code db.submit}. */
    void attempted(String endpoint, List<Attempted> rows, long cursor) {
        if (!rows.isEmpty()) {
            db.batchUpdate(INSERT_ATTEMPTED, rows.stream().map(a -> {
                Map<String, Object> p = new HashMap<>();
                p.put("eventId", a.eventId());
                p.put("type", a.type());
                p.put("endpoint", a.endpoint());
                p.put("sessionId", a.sessionId());
                p.put("status", a.status());
                p.put("attempts", a.attempts());
                p.put("lastStatus", a.lastStatus());
                p.put("lastError", truncated(a.lastError()));
                p.put("next", a.next());
                p.put("createdAt", a.createdAt());
                return new MapSqlParameterSource(p);
            }).toArray(SqlParameterSource[]::new));
        }
        db.write().sql(MOVE_CURSOR).param("endpoint", endpoint).param("seq", cursor).update();
    }

    private static String truncated(String error) {
        return error == null ? null : error.substring(0, Math.min(500, error.length()));
    }

    /**
     * The subscribed events no cursor has passed yet (SQLite; none on the servers): how many, and
     * when the oldest happened ({@code Long.MIN_VALUE} if none).
     */
    Map.Entry<Long, Long> behindCursors() {
        if (!cursors) {
            return Map.entry(0L, Long.MIN_VALUE);
        }
        return db.read().sql(BEHIND_CURSORS).query((rs, n) -> {
            long count = rs.getLong(1);
            long oldest = rs.getLong(2);
            return Map.entry(count, rs.wasNull() ? Long.MIN_VALUE : oldest);
        }).single();
    }
}
