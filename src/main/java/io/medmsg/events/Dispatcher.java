package io.medmsg.events;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import io.medmsg.db.Database;
import io.medmsg.shared.Ids;

/**
 * Delivers the outbox (API.md §5) on every instance. A loop takes due deliveries under a lease in
 * the database (so with several instances one delivery is in flight from one of them at a time,
 * and a dead instance's lease simply runs out), at most {@code concurrency} at once, and only the
 * earliest pending one of a session per endpoint (in order per session and endpoint); each is
 * POSTed on a virtual thread with the JDK client, and its outcome — success, the next retry of
 * the schedule, failed, or 410 which disables the endpoint — is written back through the group
 * commit. Times come from the application's {@link Clock}, so tests can move through the schedule.
 */
@Component
class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final WebhookSettings settings;
    private final Endpoints endpoints;
    private final DeliveryRepository deliveries;
    private final Database db;
    private final MessageSource messages;
    private final JsonMapper json;
    private final Clock clock;
    private final WebhookMetrics metrics;
    /** This instance's name on the leases it holds. */
    private final String owner = Ids.next();
    private final Semaphore permits;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final HttpClient http;
    private final Object signal = new Object();
    private ExecutorService senders;
    private Thread loop;
    private volatile boolean running;
    private boolean woken;

    Dispatcher(WebhookSettings settings, Endpoints endpoints, DeliveryRepository deliveries, Database db,
            MessageSource messages, JsonMapper json, Clock clock, WebhookMetrics metrics) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.db = db;
        this.messages = messages;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.permits = new Semaphore(settings.concurrency());
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void start() {
        if (endpoints.all().isEmpty()) {
            return;
        }
        running = true;
        senders = Executors.newVirtualThreadPerTaskExecutor();
        loop = Thread.ofPlatform().name("medmsg-webhooks").daemon(true).start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        wake();
        if (loop != null) {
            try {
                loop.join(5_000);
                senders.shutdown();
                // a delivery cut short here is sent again once its lease runs out
                senders.awaitTermination(settings.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Looks for due deliveries now: a delivery ended, so its session's next event may go. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (running) {
            try {
                poll();
            } catch (RuntimeException e) {
                // the database may be down for a moment: nothing is lost, the rows wait
                log.warn("webhook dispatch failed, trying again: {}", e.toString());
            }
            synchronized (signal) {
                if (!woken && running) {
                    try {
                        signal.wait(settings.pollInterval().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    private void poll() {
        List<String> disabled = deliveries.disabled();
        for (WebhookSettings.Endpoint e : endpoints.all()) {
            int free = permits.availablePermits();
            if (free == 0 || !running) {
                return;
            }
            if (disabled.contains(e.url())) {
                continue;
            }
            long now = clock.millis();
            List<Delivery> claimed = db.submit(() -> deliveries.claim(e.url(), free, now, owner,
                    now + settings.lease().toMillis()));
            for (Delivery d : claimed) {
                if (inFlight.add(d.deliveryId())) {
                    permits.acquireUninterruptibly();
                    senders.submit(() -> deliver(e, d));
                }
            }
        }
    }

    private void deliver(WebhookSettings.Endpoint e, Delivery d) {
        try {
            attempt(e, d);
        } catch (RuntimeException ex) {
            // the outcome could not be written: the lease runs out and the delivery is tried again
            log.warn("webhook delivery {} to {}: {}", d.deliveryId(), e.url(), ex.toString());
        } finally {
            inFlight.remove(d.deliveryId());
            permits.release();
            wake();
        }
    }

    private void attempt(WebhookSettings.Endpoint e, Delivery d) {
        String body = body(d);
        if (body == null) {
            record(d, Delivery.FAILED, null, "the event's message no longer exists", "failed");
            return;
        }
        long timestamp = clock.millis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(URI.create(e.url())).timeout(settings.timeout())
                .header("content-type", "application/json")
                .header("user-agent", "MedMsg-Webhooks")
                .header("webhook-id", d.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signature.header(e.keys(), d.eventId(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException ex) {
            retryOrFail(d, null, ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
            return;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status >= 200 && status < 300) {
            record(d, Delivery.SUCCEEDED, status, null, "succeeded");
        } else if (status == 410) {
            long now = clock.millis();
            db.submit(() -> {
                deliveries.outcome(d.deliveryId(), owner, Delivery.FAILED, status, "410 Gone: the endpoint is disabled", now);
                deliveries.disable(e.url(), now);
                return null;
            });
            metrics.delivered("gone");
            log.warn("webhook endpoint {} answered 410 Gone: disabled until an admin redelivers to it", e.url());
        } else {
            retryOrFail(d, status, "HTTP " + status);
        }
    }

    /** The schedule of API.md §5: after the n-th failed attempt wait RETRIES[n-1]; after the last, failed. */
    private void retryOrFail(Delivery d, Integer status, String error) {
        int failedAttempts = d.attempts() + 1;
        if (failedAttempts > WebhookSettings.RETRIES.size()) {
            record(d, Delivery.FAILED, status, error, "failed");
        } else {
            long next = clock.millis() + WebhookSettings.RETRIES.get(failedAttempts - 1).toMillis();
            db.submit(() -> deliveries.outcome(d.deliveryId(), owner, Delivery.PENDING, status, error, next));
            metrics.delivered("retried");
        }
    }

    private void record(Delivery d, String status, Integer lastStatus, String error, String outcome) {
        long now = clock.millis();
        db.submit(() -> deliveries.outcome(d.deliveryId(), owner, status, lastStatus, error, now));
        metrics.delivered(outcome);
    }

    /** The event as POSTed: {type, id, timestamp, data}; null when a message.created's message is gone. */
    String body(Delivery d) {
        Map<String, Object> row = deliveries.event(d.eventId()).orElse(null);
        if (row == null) {
            return null;
        }
        Object data;
        if (Outbox.MESSAGE_CREATED.equals(row.get("type"))) {
            MessageSource.Rendered m = messages.message((String) row.get("msg_id")).orElse(null);
            if (m == null) {
                return null;
            }
            Map<String, Object> recipient = new LinkedHashMap<>();
            recipient.put("role", row.get("recipient_role"));
            recipient.put("id", row.get("recipient_id"));
            recipient.put("unread_count", ((Number) row.get("unread_count")).longValue());
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("session_id", row.get("session_id"));
            created.put("consultation_id", m.consultationId());
            created.put("message", m.message());
            created.put("recipient", recipient);
            data = created;
        } else {
            data = json.readTree((String) row.get("data"));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", row.get("type"));
        event.put("id", row.get("event_id"));
        event.put("timestamp", ((Number) row.get("created_at")).longValue());
        event.put("data", data);
        return json.writeValueAsString(event);
    }
}
