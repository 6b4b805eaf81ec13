package io.medmsg.events;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Prometheus metrics of the outbox: deliveries pending and failed, the age of the oldest pending
 * one (read from the database at each scrape, so every instance reports the same), and this
 * instance's attempts by outcome (succeeded, retried, failed, gone).
 */
@Component
class WebhookMetrics {

    /** Every outcome the dispatcher reports, registered at start-up so that each is exposed from 0. */
    static final List<String> OUTCOMES = List.of("succeeded", "retried", "failed", "gone");

    private final Map<String, Counter> attempts = new HashMap<>();

    WebhookMetrics(MeterRegistry registry, DeliveryRepository deliveries, Clock clock) {
        for (String outcome : OUTCOMES) {
            attempts.put(outcome, Counter.builder("medmsg.webhook.deliveries").tag("outcome", outcome)
                    .description("delivery attempts by outcome").register(registry));
        }
        Gauge.builder("medmsg.webhook.pending", () -> deliveries.count(Delivery.PENDING))
                .description("event deliveries not yet succeeded or failed").register(registry);
        Gauge.builder("medmsg.webhook.failed", () -> deliveries.count(Delivery.FAILED))
                .description("event deliveries that failed for good (redeliverable)").register(registry);
        Gauge.builder("medmsg.webhook.oldest.pending.age", () -> {
            Long oldest = deliveries.oldestPending();
            return oldest == null ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
        }).baseUnit("seconds").description("age of the oldest pending event delivery").register(registry);
    }

    void delivered(String outcome) {
        attempts.get(outcome).increment();
    }
}
