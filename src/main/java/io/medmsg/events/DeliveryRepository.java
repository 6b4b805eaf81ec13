package io.medmsg.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;

/** The SQL of deliveries and endpoints. Methods that write run inside {@code db.submit}. */
@Repository
class DeliveryRepository {

    /**
     * Due deliveries of one endpoint that no instance holds, each the earliest pending one of its
     * session to that endpoint (API.md §5: in order per session and endpoint).
     */
    private static final String DUE = "SELECT " + Delivery.COLUMNS + """
             FROM webhook_deliveries d
            WHERE d.status = 'pending' AND d.endpoint = :endpoint AND d.next_attempt_at <= :now
                AND (d.lease_until IS NULL OR d.lease_until < :now)
                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint = d.endpoint
                    AND e.session_id = d.session_id AND e.status = 'pending' AND e.delivery_id < d.delivery_id)
            ORDER BY d.delivery_id LIMIT :limit""";

    /** Takes the lease unless another instance took it first: the row lock decides. */
    private static final String LEASE = """
            UPDATE webhook_deliveries SET lease_owner = :owner, lease_until = :until
            WHERE delivery_id = :id AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)""";

    private static final String OUTCOME = """
            UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1, last_status = :lastStatus,
                last_error = :lastError, next_attempt_at = :next, lease_owner = NULL, lease_until = NULL
            WHERE delivery_id = :id AND lease_owner = :owner AND status = 'pending'""";

    private static final String EVENT = "SELECT " + Outbox.COLUMNS + " FROM events WHERE event_id = :id";

    private static final String INSERT_ENDPOINT = "INSERT INTO webhook_endpoints (endpoint, disabled_at) VALUES (:endpoint, NULL)";
    private static final String DISABLED = "SELECT endpoint FROM webhook_endpoints WHERE disabled_at IS NOT NULL";
    private static final String DISABLE = "UPDATE webhook_endpoints SET disabled_at = :now WHERE endpoint = :endpoint";
    private static final String ENABLE = "UPDATE webhook_endpoints SET disabled_at = NULL WHERE endpoint = :endpoint";
    private static final String UNSUBSCRIBE = "DELETE FROM webhook_subscriptions WHERE endpoint = :endpoint";
    private static final String SUBSCRIBE = "INSERT INTO webhook_subscriptions (endpoint, type) VALUES (:endpoint, :type)";
    private static final String SUBSCRIBED = "SELECT DISTINCT endpoint FROM webhook_subscriptions";
    private static final String FAIL_PENDING = """
            UPDATE webhook_deliveries SET status = 'failed', last_error = :error, lease_owner = NULL, lease_until = NULL
            WHERE endpoint = :endpoint AND status = 'pending'""";

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
            WHERE endpoint = :endpoint AND created_at >= :since AND status = 'failed'""";

    private static final String COUNT = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = :status";
    private static final String OLDEST_PENDING = "SELECT MIN(created_at) FROM webhook_deliveries WHERE status = 'pending'";

    private final Database db;
    private final String insertEndpoint;

    DeliveryRepository(Database db) {
        this.db = db;
        this.insertEndpoint = db.dialect().insertIfAbsent(INSERT_ENDPOINT);
    }

    /** Leases up to {@code limit} due deliveries of the endpoint for this instance until {@code until}. */
    List<Delivery> claim(String endpoint, int limit, long now, String owner, long until) {
        List<Delivery> due = db.write().sql(DUE).param("endpoint", endpoint).param("now", now).param("limit", limit)
                .query(Delivery::map).list();
        List<Delivery> claimed = new ArrayList<>();
        for (Delivery d : due) {
            if (db.write().sql(LEASE).param("owner", owner).param("until", until).param("id", d.deliveryId())
                    .param("now", now).update() == 1) {
                claimed.add(d);
            }
        }
        return claimed;
    }

    /** Records an attempt's outcome, unless this instance's lease was lost meanwhile (then the other one decides). */
    boolean outcome(long deliveryId, String owner, String status, Integer lastStatus, String lastError, long next) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", deliveryId);
        p.put("owner", owner);
        p.put("status", status);
        p.put("lastStatus", lastStatus);
        p.put("lastError", lastError == null ? null : lastError.substring(0, Math.min(500, lastError.length())));
        p.put("next", next);
        return db.write().sql(OUTCOME).params(p).update() == 1;
    }

    Optional<Map<String, Object>> event(String eventId) {
        return db.read().sql(EVENT).param("id", eventId).query().listOfRows().stream().findFirst();
    }

    /** The configured endpoints as the database should know them: subscribed to their types unless disabled. */
    void sync(List<WebhookSettings.Endpoint> endpoints) {
        List<String> disabled = disabled();
        List<String> configured = endpoints.stream().map(WebhookSettings.Endpoint::url).toList();
        for (String old : db.write().sql(SUBSCRIBED).query(String.class).list()) {
            if (!configured.contains(old)) {
                db.write().sql(UNSUBSCRIBE).param("endpoint", old).update();
            }
        }
        for (WebhookSettings.Endpoint e : endpoints) {
            db.write().sql(insertEndpoint).param("endpoint", e.url()).update();
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
        db.write().sql(FAIL_PENDING).param("endpoint", endpoint)
                .param("error", "the endpoint answered 410 Gone and is disabled").update();
    }

    void enable(WebhookSettings.Endpoint e) {
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
}
