package io.medmsg.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import io.medmsg.db.Database;
import io.medmsg.db.ManyRows;
import io.medmsg.shared.Ids;

/**
 * Where a change records its event (API.md §5), inside the change's own write transaction: the
 * event row and, on the servers, one delivery per endpoint subscribed to its type (on SQLite the
 * dispatcher follows the events table with a cursor instead: {@link EventFeed}), so that the
 * event exists if and only if the change committed. Called by the module that changes sessions; writes nothing else.
 */
@Component
public class Outbox {

    public static final String MESSAGE_CREATED = "message.created";
    public static final String MESSAGE_RECALLED = "message.recalled";
    public static final String SESSION_READ = "session.read";

    /** Every type of API.md §5, the default subscription of an endpoint. */
    static final Set<String> TYPES = Set.of(MESSAGE_CREATED, MESSAGE_RECALLED, SESSION_READ, "consultation.opened",
            "consultation.accepted", "consultation.closed", "consultation.cancelled", "consultation.expired");

    static final String COLUMNS = """
            event_id, type, session_id, msg_id, recipient_role, recipient_id, unread_count, data, created_at""";

    private static final String FAN_OUT = """
            INSERT INTO webhook_deliveries (event_id, type, endpoint, session_id, status, attempts, next_attempt_at,
                created_at)
            SELECT :eventId, :type, endpoint, :sessionId, 'pending', 0, :createdAt, :createdAt
            FROM webhook_subscriptions WHERE type = :type""";

    private static final String EVENT_VALUES =
            "(:eventId, :type, :sessionId, :msgId, :recipientRole, :recipientId, :unread, :data, :createdAt)";

    private static final String INSERT = "INSERT INTO events (" + COLUMNS + ") VALUES " + EVENT_VALUES;

    /** Both, in one round trip where the database runs scripts (MySQL/MariaDB). */
    private static final String INSERT_AND_FAN_OUT = INSERT + ";\n" + FAN_OUT;

    /** {@link #FAN_OUT} for the events of {@code :eventIds}, in the order they were inserted. */
    private static final String FAN_OUT_OF_EVENTS = """
            INSERT INTO webhook_deliveries (event_id, type, endpoint, session_id, status, attempts, next_attempt_at,
                created_at)
            SELECT e.event_id, e.type, w.endpoint, e.session_id, 'pending', 0, e.created_at, e.created_at
            FROM events e JOIN webhook_subscriptions w ON w.type = e.type
            WHERE e.event_id IN (:eventIds)
            ORDER BY e.event_seq, w.endpoint""";

    /**
     * For one statement that appends a message (PostgreSQL): the outbox's writes as further
     * common table expressions after {@code s}, the CTE that took the message's seq and returns
     * {@code recipient_unread}; nothing is written when {@code s} returns no row. Parameters:
     * {@code :sessionId}, {@code :msgId}, {@code :createdAt} and those of {@link #messageCreatedParams}.
     */
    public static final String MESSAGE_CREATED_CTES = """
            , ev AS (
                INSERT INTO events (event_id, type, session_id, msg_id, recipient_role, recipient_id, unread_count,
                    data, created_at)
                SELECT :eventId, 'message.created', :sessionId, :msgId, :recipientRole, :recipientId, recipient_unread,
                    NULL, :createdAt
                FROM s
                RETURNING event_id),
            evd AS (
                INSERT INTO webhook_deliveries (event_id, type, endpoint, session_id, status, attempts,
                    next_attempt_at, created_at)
                SELECT ev.event_id, 'message.created', w.endpoint, :sessionId, 'pending', 0, :createdAt, :createdAt
                FROM ev CROSS JOIN webhook_subscriptions w WHERE w.type = 'message.created')
            """;

    /**
     * As {@link #MESSAGE_CREATED_CTES}, for one statement that appends several messages (PostgreSQL,
     * a group-commit batch's sends): their events and fan-out from {@code written}, a CTE of a row
     * per message written, in the order of its column {@code i}, with the columns {@code event_id},
     * {@code session_id}, {@code msg_id}, {@code recipient_role}, {@code recipient_id},
     * {@code recipient_unread} and {@code created_at}.
     */
    public static final String MESSAGES_CREATED_CTES = """
            , ev AS (
                INSERT INTO events (event_id, type, session_id, msg_id, recipient_role, recipient_id, unread_count,
                    data, created_at)
                SELECT event_id, 'message.created', session_id, msg_id, recipient_role, recipient_id, recipient_unread,
                    NULL, created_at
                FROM written ORDER BY i
                RETURNING event_seq, event_id, session_id, created_at),
            evd AS (
                INSERT INTO webhook_deliveries (event_id, type, endpoint, session_id, status, attempts,
                    next_attempt_at, created_at)
                SELECT ev.event_id, 'message.created', w.endpoint, ev.session_id, 'pending', 0, ev.created_at, ev.created_at
                FROM ev CROSS JOIN webhook_subscriptions w WHERE w.type = 'message.created'
                ORDER BY ev.event_seq, w.endpoint)
            """;

    private final Database db;
    private final JsonMapper json;

    Outbox(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** The parameters of {@link #MESSAGE_CREATED_CTES} besides those of the message. */
    public static void messageCreatedParams(Map<String, Object> params, String recipientRole, String recipientId) {
        params.put("eventId", Ids.next());
        params.put("recipientRole", recipientRole);
        params.put("recipientId", recipientId);
    }

    /** A {@code message.created} event: for {@code recipientRole}, the party who did not send the message. */
    public record Created(String sessionId, String msgId, String recipientRole, String recipientId, long unread,
            long createdAt) {
    }

    /**
     * Several messages' {@code message.created} events, in their order: where the database runs
     * scripts (MySQL/MariaDB, a group-commit batch's appends), one INSERT of them all and one
     * fan-out, in one round trip; else one by one.
     */
    public void messagesCreated(List<Created> created) {
        if (!db.dialect().runsScripts() || created.size() < 2) {
            created.forEach(c -> insert(params(c)));
            return;
        }
        Map<String, Object> params = new HashMap<>();
        db.script(messagesCreated(created, params), params);
    }

    /**
     * The statements of {@link #messagesCreated(List)} where the database runs scripts (MySQL/MariaDB),
     * for a script of the caller's: one INSERT of the events and one fan-out, their values bound into
     * {@code params} (tagged {@code e}).
     */
    public static String messagesCreated(List<Created> created, Map<String, Object> params) {
        List<Object> eventIds = new ArrayList<>(created.size());
        for (int i = 0; i < created.size(); i++) {
            Map<String, Object> p = params(created.get(i));
            ManyRows.bind("e", params, i, p);
            eventIds.add(p.get("eventId"));
        }
        params.put("eventIds", eventIds);
        return "INSERT INTO events (" + COLUMNS + ") VALUES " + ManyRows.repeat("e", EVENT_VALUES, created.size(), ", ")
                + ";\n" + FAN_OUT_OF_EVENTS;
    }

    /** Any other event: {@code data} is serialized as the event's data (snake_case, as the API's JSON). */
    public void record(String type, String sessionId, Object data, long createdAt) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("not an event type of API.md §5: " + type);
        }
        Map<String, Object> p = params(type, sessionId, createdAt);
        p.put("data", json.writeValueAsString(data));
        insert(p);
    }

    /** A message was appended: the event is for the party who did not send it, with its unread count after it. */
    private static Map<String, Object> params(Created c) {
        Map<String, Object> p = params(MESSAGE_CREATED, c.sessionId(), c.createdAt());
        p.put("msgId", c.msgId());
        p.put("recipientRole", c.recipientRole());
        p.put("recipientId", c.recipientId());
        p.put("unread", c.unread());
        return p;
    }

    private static Map<String, Object> params(String type, String sessionId, long createdAt) {
        Map<String, Object> p = new HashMap<>();
        p.put("eventId", Ids.next());
        p.put("type", type);
        p.put("sessionId", sessionId);
        p.put("createdAt", createdAt);
        p.put("msgId", null);
        p.put("recipientRole", null);
        p.put("recipientId", null);
        p.put("unread", null);
        p.put("data", null);
        return p;
    }

    private void insert(Map<String, Object> p) {
        if (db.dialect().hasOneWriter()) {
            // SQLite's dispatcher reads new events after each endpoint's cursor instead (EventFeed)
            db.write().sql(INSERT).params(p).update();
        } else if (db.dialect().runsScripts()) {
            db.script(INSERT_AND_FAN_OUT, p);
        } else {
            db.write().sql(INSERT).params(p).update();
            db.write().sql(FAN_OUT).params(p).update();
        }
    }
}
