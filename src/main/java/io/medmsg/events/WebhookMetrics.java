package io.medmsg.events;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Prometheus metrics of the outbox: deliveries pending and failed, the age of the oldest pending
 * one (read from the database at each scrape, so every instance reports the same), and this
 * instance's attempts by outcome (succeeded, retried, failed, gone).
 *
 * <p>A scrape waits at most {@link #READ_WAIT} for the database figures, which are read together
 * on a virtual thread (a gauge that finds a read in flight waits for that one): while the database
 * cannot be reached a read waits out the connection timeout (5 s), once per gauge, and Prometheus
 * (10 s scrape timeout by default) would drop the whole scrape, the 503 counts of the outage
 * included. The gauges are NaN while their figures cannot be read.
 */
@Component
class WebhookMetrics {

    /** Every outcome the dispatcher reports, registered at start-up so that each is exposed from 0. */
    static final List<String> OUTCOMES = List.of("succeeded", "retried", "failed", "gone");

    static final Duration READ_WAIT = Duration.ofMillis(500);
    private static final Executor READERS = Executors.newVirtualThreadPerTaskExecutor();

    /** The database figures of one read. */
    private record Figures(double pending, double failed, double oldestPendingAgeSeconds) {
    }

    private final MeterRegistry registry;
    private final DeliveryRepository deliveries;
    private final Clock clock;
    private final Map<String, Counter> attempts = new HashMap<>();
    private CompletableFuture<Figures> reading;

    WebhookMetrics(MeterRegistry registry, DeliveryRepository deliveries, Clock clock) {
        this.registry = registry;
        this.deliveries = deliveries;
        this.clock = clock;
        for (String outcome : OUTCOMES) {
            attempts.put(outcome, Counter.builder("medmsg.webhook.deliveries").tag("outcome", outcome)
                    .description("delivery attempts by outcome").register(registry));
        }
        gauge("medmsg.webhook.pending", Figures::pending, "event deliveries not yet succeeded or failed", null);
        gauge("medmsg.webhook.failed", Figures::failed, "event deliveries that failed for good (redeliverable)", null);
        gauge("medmsg.webhook.oldest.pending.age", Figures::oldestPendingAgeSeconds,
                "age of the oldest pending event delivery", "seconds");
    }

    private void gauge(String name, ToDoubleFunction<Figures> figure, String description, String unit) {
        Gauge.builder(name, this, m -> {
            Figures f = m.figures();
            return f == null ? Double.NaN : figure.applyAsDouble(f);
        }).description(description).baseUnit(unit).register(registry);
    }

    /** The figures of a read, or null when none answered within {@link #READ_WAIT}. */
    private Figures figures() {
        CompletableFuture<Figures> read;
        synchronized (this) {
            if (reading == null || reading.isDone()) {
                reading = CompletableFuture.supplyAsync(this::read, READERS);
            }
            read = reading;
        }
        try {
            return read.get(READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException unavailable) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Figures read() {
        Long oldest = deliveries.oldestPending();
        long pending = deliveries.count(Delivery.PENDING);
        // SQLite's events wait without a row until their endpoint's cursor passes them (EventFeed)
        Map.Entry<Long, Long> behind = deliveries.behindCursors();
        pending += behind.getKey();
        if (behind.getValue() != Long.MIN_VALUE) {
            oldest = oldest == null ? behind.getValue() : Math.min(oldest, behind.getValue());
        }
        return new Figures(pending, deliveries.count(Delivery.FAILED),
                oldest == null ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0);
    }

    void delivered(String outcome) {
        attempts.get(outcome).increment();
    }
}
