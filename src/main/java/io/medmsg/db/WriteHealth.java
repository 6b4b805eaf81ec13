package io.medmsg.db;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.medmsg.shared.DependencyFailure;

/**
 * Whether writes can be made durable now, from the outcomes of writes: DOWN after a write failed
 * because the database was unreachable or full, UP again once one has committed and none has
 * failed for {@link #SETTLE}. One commit alone is not enough: on a nearly full disk a transaction
 * that needs no new page (the audit mover with nothing to move, a send into a freed page) commits
 * while the sends around it are refused, and readiness must not flicker UP between them. Part of
 * readiness ({@code management.endpoint.health.group.readiness.include}), so a load balancer
 * stops sending traffic to an instance that can only answer 503 or 507. Such an instance gets no
 * more writes to learn from, so while DOWN every health check that finds no probe running starts
 * one in the background ({@link Database#probeWrites}): a small write through the group commit,
 * like a send's. Readiness comes back by itself once one commits, without a restart.
 */
final class WriteHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(WriteHealth.class);

    /** How long writes must have gone without a failure, one of them committed, to be UP again. */
    static final Duration SETTLE = Duration.ofSeconds(1);

    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicReference<Down> down = new AtomicReference<>();
    private final LongSupplier nanoTime;
    private volatile Consumer<WriteHealth> probe;

    /** Why writes are failing, since when the last one failed, and whether one committed since. */
    private record Down(DependencyFailure.Kind kind, long lastFailedAt, boolean committedSince) {
    }

    WriteHealth() {
        this(System::nanoTime);
    }

    WriteHealth(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** What checks writes again while they fail. */
    void probeWith(Consumer<WriteHealth> probe) {
        this.probe = probe;
    }

    void succeeded() {
        down.updateAndGet(d -> d == null || d.committedSince() ? d : new Down(d.kind(), d.lastFailedAt(), true));
    }

    void failed(DependencyFailure failure) {
        Down before = down.getAndSet(new Down(failure.kind(), nanoTime.getAsLong(), false));
        if (before == null) {
            log.warn("writes cannot be made durable ({}): not ready until they commit again", failure.getMessage());
        }
    }

    @Override
    public Health health() {
        Down d = down.get();
        if (d != null && d.committedSince() && nanoTime.getAsLong() - d.lastFailedAt() >= SETTLE.toNanos()
                && down.compareAndSet(d, null)) {
            log.info("writes are durable again: ready");
            d = null;
        }
        if (d == null) {
            return Health.up().build();
        }
        DependencyFailure.Kind kind = d.kind();
        Consumer<WriteHealth> check = probe;
        if (check != null && probing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("medmsg-write-probe").start(() -> {
                try {
                    check.accept(this);
                } finally {
                    probing.set(false);
                }
            });
        }
        return Health.down().withDetail("writes", kind == DependencyFailure.Kind.STORAGE_FULL ? "storage full" : "database unavailable")
                .build();
    }
}
