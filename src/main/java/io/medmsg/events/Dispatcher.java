package io.medmsg.events;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
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
 * Delivers the outbox (API.md §5) on every instance, off the send path. On SQLite, first attempts
 * come from {@link EventFeed}: a step of each endpoint's new events is sent, then written as
 * delivery rows with their outcomes; what did not succeed is then retried from its row as below.
 * On the servers every delivery starts as a row, fanned out by the change. A loop finds, with a read
 * (never on the group-commit writer that every send waits for), the earliest pending delivery of
 * each session per endpoint that is due and free, and with it the run of that session's pending
 * deliveries after it (up to {@link #RUN}); it takes the leases of all the runs in one write (so
 * with several instances one delivery is in flight from one of them at a time, and a dead
 * instance's lease simply runs out), keeping of each run only the part before the first delivery
 * it could not take. Each run is sent in order on one thread, at most {@code concurrency}
 * runs (so requests) at once, with {@link WebhookClient} (keep-alive, each endpoint's URL, keys and
 * {@code Mac}s prepared once); the run's event rows and messages are read in two queries and each
 * body rendered once. The run stops at the first attempt that does not
 * succeed (its retry is scheduled; the rest of the run is released: in order per session) or when
 * its lease would run out before one more timeout. Outcomes — success, the next retry of the
 * schedule, failed, or 410 which disables the endpoint — are queued and written by one thread in
 * batches, one group commit for many deliveries; a session's next run is claimed once they are.
 * Times come from the application's {@link Clock}, so tests can move through the schedule.
 */
@Component
class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** At most this many deliveries of one session are claimed and sent one after another. */
    static final int RUN = 100;
    /** The least time from one poll's start to the next's: what an event may wait for others to join its step or run. */
    static final Duration GATHER = Duration.ofMillis(100);
    /** At most this many outcomes are written in one group commit. */
    private static final int OUTCOME_BATCH = 2_000;

    private final WebhookSettings settings;
    private final Endpoints endpoints;
    private final DeliveryRepository deliveries;
    private final Database db;
    private final MessageSource messages;
    private final JsonMapper json;
    private final Clock clock;
    private final WebhookMetrics metrics;
    /** Runs being sent (each one request at a time): the dispatcher's bounded share of the machine. */
    private final Semaphore permits;
    private final WebhookClient http;
    /** Each endpoint's URL taken apart and keys ready to sign, by URL: made once, not per attempt. */
    private final Map<String, Route> routes = new HashMap<>();
    /** SQLite's first attempts; null on the servers, where the changes fan their events out into rows. */
    private final EventFeed feed;
    private final Object signal = new Object();
    /** Outcomes, released leases and disabled endpoints waiting to be written, in the order they happened. */
    private final BlockingQueue<Object> written = new LinkedBlockingQueue<>();
    private ExecutorService senders;
    private Thread loop;
    private Thread writer;
    private volatile boolean running;
    private boolean woken;

    /** A lease given back without an attempt. */
    private record Release(long deliveryId, String owner) {
    }

    /** An endpoint as the deliveries use it. */
    private record Route(WebhookSettings.Endpoint endpoint, WebhookClient.Target target, Signature.Signer signer) {
    }

    /** An endpoint that answered 410: written after the outcomes queued before it. */
    private record Disable(String endpoint, long at) {
    }

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
        // at most `concurrency` requests are in flight, so no more connections to one receiver are worth keeping
        this.http = new WebhookClient(settings.concurrency(), settings.timeout());
        for (WebhookSettings.Endpoint e : endpoints.all()) {
            routes.put(e.url(), new Route(e, WebhookClient.Target.of(e.url()), Signature.signer(e.keys())));
        }
        this.feed = db.dialect().hasOneWriter() ? new EventFeed(deliveries) : null;
    }

    @Override
    public void start() {
        if (endpoints.all().isEmpty()) {
            return;
        }
        running = true;
        // platform threads, not virtual: a virtual thread's socket read with a timeout goes through the
        // poller thread and a timer per read, which cost the sends 5-10 % of their rate with one endpoint
        // (docs/benchmarks.md); at most `concurrency` runs and a step per endpoint hold one at once
        senders = Executors.newCachedThreadPool(Thread.ofPlatform().name("medmsg-webhook-", 0).daemon(true).factory());
        writer = Thread.ofPlatform().name("medmsg-webhook-outcomes").daemon(true).start(this::writeOutcomes);
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
                writer.join(5_000);
                http.close();
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
            long started = System.nanoTime();
            try {
                poll();
            } catch (RuntimeException e) {
                // the database may be down for a moment: nothing is lost, the rows wait
                log.warn("webhook dispatch failed, trying again: {}", e.toString());
            }
            http.closeIdle();
            if (!pause(started)) {
                return;
            }
        }
    }

    /**
     * Waits for the next poll: the poll interval after this one began, or, once a delivery has
     * ended ({@link #wake}), {@link #GATHER} after it began (if the interval is not shorter). Under
     * a stream of sends every delivery that ends wakes the loop, and a poll per delivery (its reads,
     * a lease write, a run of one) cost more than the delivery itself; gathered, a step carries a
     * tenth of a second's events and a session's go as one run (docs/benchmarks.md). False if
     * interrupted.
     */
    private boolean pause(long pollStarted) {
        long interval = settings.pollInterval().toNanos();
        long gather = Math.min(GATHER.toNanos(), interval);
        synchronized (signal) {
            try {
                long left;
                while (running && (left = pollStarted + (woken ? gather : interval) - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                woken = false;
            }
        }
        return true;
    }

    private void poll() {
        List<String> disabled = deliveries.disabled();
        Map<String, Long> cursors = feed == null ? Map.of() : deliveries.cursors();
        for (WebhookSettings.Endpoint e : endpoints.all()) {
            if (!running) {
                return;
            }
            if (disabled.contains(e.url())) {
                continue;
            }
            if (feed != null) {
                EventFeed.Step step = feed.next(e, cursors);
                if (step != null) {
                    senders.submit(() -> step(routes.get(e.url()), step));
                }
            }
            int free = permits.availablePermits();
            if (free == 0) {
                continue;
            }
            long now = clock.millis();
            List<List<Delivery>> runs = new ArrayList<>();
            for (Delivery head : deliveries.heads(e.url(), free, now)) {
                List<Delivery> run = deliveries.run(head, RUN, now);
                if (!run.isEmpty()) {
                    runs.add(run);
                }
            }
            if (runs.isEmpty()) {
                continue;
            }
            // each claim leases under a name of its own, so that it knows exactly which rows it took
            String claim = Ids.next();
            long until = now + settings.lease().toMillis();
            for (List<Delivery> run : db.submit(() -> deliveries.lease(runs, claim, now, until))) {
                permits.acquireUninterruptibly();
                Route route = routes.get(e.url());
                senders.submit(() -> send(route, run, claim, until));
            }
        }
    }

    /**
     * Sends a step's events, each session's in order on a thread of its own (those queued behind a
     * pending delivery unsent), then writes a delivery row for every one of them, with its outcome,
     * and moves the cursor, in one group commit. Unwritten (the database is down for a moment), the
     * step's events are read and sent again.
     */
    private void step(Route route, EventFeed.Step step) {
        String url = route.endpoint().url();
        try {
            Map<String, MessageSource.Rendered> rendered = messagesOf(step.events());
            Map<String, List<Map<String, Object>>> sessions = new LinkedHashMap<>();
            for (Map<String, Object> event : step.events()) {
                sessions.computeIfAbsent((String) event.get("session_id"), k -> new ArrayList<>()).add(event);
            }
            Map<String, DeliveryRepository.Attempted> rows = new java.util.concurrent.ConcurrentHashMap<>();
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (Map.Entry<String, List<Map<String, Object>>> session : sessions.entrySet()) {
                if (step.queued().contains(session.getKey())) {
                    session.getValue().forEach(event -> rows.put(eventId(event), queued(url, event)));
                    continue;
                }
                permits.acquireUninterruptibly();
                runs.add(senders.submit(() -> {
                    try {
                        attemptInOrder(route, session.getValue(), rendered, rows);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get();
            }
            List<DeliveryRepository.Attempted> ordered = step.events().stream().map(e -> rows.get(eventId(e))).toList();
            boolean gone = ordered.stream().anyMatch(a -> a.lastStatus() != null && a.lastStatus() == 410);
            long now = clock.millis();
            db.submit(() -> {
                deliveries.attempted(url, ordered, step.last());
                if (gone) {
                    deliveries.disable(url, now);
                }
                return null;
            });
        } catch (RuntimeException | java.util.concurrent.ExecutionException ex) {
            log.warn("webhook events to {} not recorded, they are sent again: {}", url, ex.toString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            feed.done(step);
            wake();
        }
    }

    /** One session's events of a step: each attempted until one does not succeed, the rest queued behind it. */
    private void attemptInOrder(Route route, List<Map<String, Object>> events, Map<String, MessageSource.Rendered> rendered,
            Map<String, DeliveryRepository.Attempted> rows) {
        String url = route.endpoint().url();
        boolean goOn = true;
        for (Map<String, Object> event : events) {
            if (!goOn || !running) {
                rows.put(eventId(event), queued(url, event));
                continue;
            }
            try {
                Verdict v = verdict(route, eventId(event), body(event, rendered), 0);
                rows.put(eventId(event), new DeliveryRepository.Attempted(eventId(event), (String) event.get("type"), url,
                        (String) event.get("session_id"), v.status(), 1, v.lastStatus(), v.error(), v.next(),
                        createdAt(event)));
                goOn = v.goOn();
            } catch (RuntimeException ex) {
                // not rendered: it waits as a pending delivery, retried with the rows
                log.warn("webhook event {} to {}: {}", eventId(event), url, ex.toString());
                rows.put(eventId(event), queued(url, event));
                goOn = false;
            }
        }
    }

    /** An event not attempted in its step, due at once: the rows' dispatch sends it after those before it. */
    private static DeliveryRepository.Attempted queued(String url, Map<String, Object> event) {
        return new DeliveryRepository.Attempted(eventId(event), (String) event.get("type"), url,
                (String) event.get("session_id"), Delivery.PENDING, 0, null, null, createdAt(event), createdAt(event));
    }

    private static String eventId(Map<String, Object> event) {
        return (String) event.get("event_id");
    }

    private static long createdAt(Map<String, Object> event) {
        return ((Number) event.get("created_at")).longValue();
    }

    /** Sends a run in order, stopping at the first delivery that does not succeed; releases what it did not try. */
    private void send(Route route, List<Delivery> run, String claim, long until) {
        int sent = 0;
        try {
            Bodies bodies = bodies(run);
            while (sent < run.size() && running && clock.millis() + settings.timeout().toMillis() < until) {
                Delivery d = run.get(sent++);
                if (!attempt(route, d, bodies.of(d), claim)) {
                    break;
                }
            }
        } catch (RuntimeException ex) {
            // the events could not be read (the database is down for a moment?) or one not rendered: it is
            // released with the rest
            sent = Math.max(0, sent - 1);
            log.warn("webhook delivery {} to {}: {}", run.get(sent).deliveryId(), route.endpoint().url(), ex.toString());
        } finally {
            for (Delivery rest : run.subList(sent, run.size())) {
                written.add(new Release(rest.deliveryId(), claim));
            }
            permits.release();
            wake();
        }
    }

    /** One attempt; true if the run may go on with the session's next delivery. */
    private boolean attempt(Route route, Delivery d, byte[] body, String claim) {
        Verdict v = verdict(route, d.eventId(), body, d.attempts());
        written.add(new DeliveryRepository.Outcome(d.deliveryId(), claim, v.status(), v.lastStatus(), v.error(), v.next()));
        if (v.gone()) {
            written.add(new Disable(route.endpoint().url(), v.next()));
        }
        return v.goOn();
    }

    /**
     * What an attempt decided: the delivery's status after it, its HTTP status or error, when it is
     * next due, the outcome counted, and whether the session's next delivery may follow now.
     */
    record Verdict(String status, Integer lastStatus, String error, long next, boolean goOn, boolean gone) {
    }

    /**
     * Sends one event ({@code body} null: its message is gone, it fails at once) and decides by the
     * schedule of API.md §5, {@code failedBefore} attempts having failed: after the n-th failed
     * attempt wait RETRIES[n-1]; after the last, failed; 410 disables the endpoint.
     */
    Verdict verdict(Route route, String eventId, byte[] body, int failedBefore) {
        if (body == null) {
            metrics.delivered("failed");
            return new Verdict(Delivery.FAILED, null, "the event's message no longer exists", clock.millis(), true, false);
        }
        long timestamp = clock.millis() / 1000;
        byte[] request = route.target().request(eventId, timestamp, route.signer().header(eventId, timestamp, body), body);
        Integer status = null;
        String error;
        try {
            status = http.post(route.target(), request);
            error = "HTTP " + status;
        } catch (IOException ex) {
            error = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        long now = clock.millis();
        if (status != null && status >= 200 && status < 300) {
            metrics.delivered("succeeded");
            return new Verdict(Delivery.SUCCEEDED, status, null, now, true, false);
        }
        if (status != null && status == 410) {
            metrics.delivered("gone");
            log.warn("webhook endpoint {} answered 410 Gone: disabled until an admin redelivers to it", route.endpoint().url());
            return new Verdict(Delivery.FAILED, status, "410 Gone: the endpoint is disabled", now, false, true);
        }
        int failed = failedBefore + 1;
        if (failed > WebhookSettings.RETRIES.size()) {
            metrics.delivered("failed");
            return new Verdict(Delivery.FAILED, status, error, now, false, false);
        }
        metrics.delivered("retried");
        return new Verdict(Delivery.PENDING, status, error, now + WebhookSettings.RETRIES.get(failed - 1).toMillis(), false,
                false);
    }

    /**
     * Writes what the runs queued, many at a time in one group commit: the outcomes, then the
     * released leases, then the endpoints that answered 410 (whose pending deliveries fail, after
     * the outcomes of those that went before). A batch that cannot be written is tried again:
     * until it is, its deliveries stay leased (so their sessions wait), and should this instance
     * die first they are sent again once the leases run out (at least once).
     */
    private void writeOutcomes() {
        List<Object> batch = new ArrayList<>();
        while (running || !written.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Object first = written.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    written.drainTo(batch, OUTCOME_BATCH - 1);
                }
                List<DeliveryRepository.Outcome> outcomes = new ArrayList<>();
                Map<String, List<Long>> releases = new LinkedHashMap<>();
                List<Disable> disables = new ArrayList<>();
                for (Object o : batch) {
                    switch (o) {
                        case DeliveryRepository.Outcome outcome -> outcomes.add(outcome);
                        case Release r -> releases.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(r.deliveryId());
                        case Disable d -> disables.add(d);
                        default -> throw new IllegalStateException("not an outcome: " + o);
                    }
                }
                db.submit(() -> {
                    deliveries.outcomes(outcomes);
                    releases.forEach((owner, ids) -> deliveries.release(ids, owner));
                    for (Disable d : disables) {
                        deliveries.disable(d.endpoint(), d.at());
                    }
                    return null;
                });
                batch.clear();
                wake();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("webhook outcomes not written, trying again: {}", e.toString());
                if (!running) {
                    return;
                }
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The event rows and messages of a run, read at once; each body is rendered when it is first needed. */
    private Bodies bodies(List<Delivery> run) {
        Map<String, Map<String, Object>> rows = deliveries.events(run.stream().map(Delivery::eventId).toList());
        return new Bodies(rows, messagesOf(rows.values()));
    }

    /** The messages of the {@code message.created} events among these rows, read at once. */
    private Map<String, MessageSource.Rendered> messagesOf(java.util.Collection<Map<String, Object>> events) {
        List<String> msgIds = events.stream().filter(row -> Outbox.MESSAGE_CREATED.equals(row.get("type")))
                .map(row -> (String) row.get("msg_id")).toList();
        return msgIds.isEmpty() ? Map.of() : messages.messages(msgIds);
    }

    /** A run's events and messages. */
    private final class Bodies {

        private final Map<String, Map<String, Object>> rows;
        private final Map<String, MessageSource.Rendered> messages;

        Bodies(Map<String, Map<String, Object>> rows, Map<String, MessageSource.Rendered> messages) {
            this.rows = rows;
            this.messages = messages;
        }

        /** The delivery's body as sent (UTF-8), or null when its event or a message.created's message is gone. */
        byte[] of(Delivery d) {
            Map<String, Object> row = rows.get(d.eventId());
            return row == null ? null : body(row, messages);
        }
    }

    /** The event as POSTed: {type, id, timestamp, data}; null when a message.created's message is gone. */
    byte[] body(Map<String, Object> row, Map<String, MessageSource.Rendered> messages) {
        Object data;
        if (Outbox.MESSAGE_CREATED.equals(row.get("type"))) {
            MessageSource.Rendered m = messages.get((String) row.get("msg_id"));
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
        return json.writeValueAsBytes(event);
    }
}
