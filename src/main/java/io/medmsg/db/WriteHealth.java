package io.medmsg.db;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.medmsg.shared.DependencyFailure;

/**
 * Whether writes can be made durable now, from the last outcome of a write: DOWN after a write
 * failed because the database was unreachable or full, UP again after one committed. Part of
 * readiness ({@code management.endpoint.health.group.readiness.include}), so a load balancer
 * stops sending traffic to an instance that can only answer 503 or 507. Such an instance gets no
 * more writes to learn from, so while DOWN every health check that finds no probe running starts
 * one in the background ({@link Database#probeWrites}): a small write through the group commit,
 * like a send's. Readiness comes back by itself once one commits, without a restart.
 */
final class WriteHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(WriteHealth.class);

    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile DependencyFailure.Kind down;
    private volatile Consumer<WriteHealth> probe;

    /** What checks writes again while they fail. */
    void probeWith(Consumer<WriteHealth> probe) {
        this.probe = probe;
    }

    void succeeded() {
        if (down != null) {
            log.info("writes are durable again: ready");
            down = null;
        }
    }

    void failed(DependencyFailure failure) {
        if (down == null) {
            log.warn("writes cannot be made durable ({}): not ready until one commits", failure.getMessage());
        }
        down = failure.kind();
    }

    @Override
    public Health health() {
        DependencyFailure.Kind kind = down;
        if (kind == null) {
            return Health.up().build();
        }
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
