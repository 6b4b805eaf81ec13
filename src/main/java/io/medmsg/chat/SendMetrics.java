package io.medmsg.chat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.medmsg.shared.DependencyFailure;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;

/**
 * The metrics of a send (docs/deploy.md, "Metrics"): messages by type and by what the database
 * made of them, the latency of a send, and refusals by the rate limit. Every meter is registered
 * here, once, at start-up, so that a send only increments: no lookup by name and tags, no allocation beyond Micrometer's own.
 */
@Component
class SendMetrics {

    /** What became of a send that reached the database. */
    enum Outcome {
        /** appended and committed */
        COMMITTED,
        /** a resend of a client_msg_id already committed: the original is answered, nothing written */
        RESEND,
        /** refused by a rule decided under the session's lock (consultation closed, rounds used up, 409 on content) */
        REFUSED,
        /** the database could not be reached (503) */
        UNAVAILABLE,
        /** the database's storage is full (507) */
        STORAGE_FULL,
        /** any other failure (500) */
        FAILED;

        final String tag = name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The types a party or the back end sends (the back end's notices are text or cards); system
     * messages of consultation transitions, recalls and recalled are not sends.
     */
    private static final MessageType[] SENT = {MessageType.TEXT, MessageType.IMAGE, MessageType.VOICE,
        MessageType.VIDEO, MessageType.FILE, MessageType.CARD};

    private final Map<MessageType, Counter[]> sent = new EnumMap<>(MessageType.class);
    private final Timer latency;
    private final Counter[] rateLimited = new Counter[Side.values().length];

    SendMetrics(MeterRegistry registry) {
        for (MessageType type : SENT) {
            Counter[] byOutcome = new Counter[Outcome.values().length];
            for (Outcome outcome : Outcome.values()) {
                byOutcome[outcome.ordinal()] = Counter.builder("medmsg.messages.sent")
                        .description("messages sent, by type and by what the database made of them")
                        .tag("type", type.wire()).tag("outcome", outcome.tag).register(registry);
            }
            sent.put(type, byOutcome);
        }
        latency = Timer.builder("medmsg.send.latency")
                .description("time a party's send takes in ChatService (rate limit, moderation, group commit, "
                        + "rendering the answer), whatever the outcome")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        for (Side side : Side.values()) {
            rateLimited[side.ordinal()] = Counter.builder("medmsg.rate.limited")
                    .description("sends refused by the send rate limit (429)").tag("role", side.wire())
                    .register(registry);
        }
    }

    void sent(MessageType type, Outcome outcome) {
        Counter[] byOutcome = sent.get(type);
        if (byOutcome != null) {
            byOutcome[outcome.ordinal()].increment();
        }
    }

    /** The outcome a failure of the database part of a send stands for. */
    static Outcome outcomeOf(RuntimeException failure) {
        if (failure instanceof ApiException) {
            return Outcome.REFUSED;
        }
        DependencyFailure dependency = DependencyFailure.in(failure);
        if (dependency != null) {
            return dependency.kind() == DependencyFailure.Kind.STORAGE_FULL ? Outcome.STORAGE_FULL : Outcome.UNAVAILABLE;
        }
        return Outcome.FAILED;
    }

    void latency(long startNanos) {
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void rateLimited(Side side) {
        rateLimited[side.ordinal()].increment();
    }
}
