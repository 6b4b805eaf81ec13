package io.medmsg.records;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.medmsg.db.Database;

/**
 * Moves audit records from the inbox, where requests write them durably with their answer, into
 * audit_records, where they are indexed for {@code audit/records}: every second in the
 * background, and at once before anything reads audit_records, so that a reader sees every record
 * committed before its request. Indexing a second's records together costs a page per actor and
 * session they touch, instead of a page per record in every request's commit (docs/benchmarks.md).
 */
@Component
class AuditInbox implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(AuditInbox.class);
    /**
     * Records per move: one writer unit. Sends queue behind it, so a unit is kept short: 5,000 at
     * a time held them long enough to cost sends with audit 10 % of their rate, 500 cost 6 %
     * (docs/benchmarks.md, 2026-12-05).
     */
    static final int MOVE = 500;
    private static final long EVERY_MS = 1_000;
    /** How often the inbox is moved though this instance wrote nothing (records of an instance that died). */
    private static final int IDLE_TICKS = 60;

    private final Database db;
    private final AuditRepository repository;
    private final AuditMetrics metrics;
    private ScheduledExecutorService timer;
    private int idleTicks;

    AuditInbox(Database db, AuditRepository repository, AuditMetrics metrics) {
        this.db = db;
        this.repository = repository;
        this.metrics = metrics;
    }

    /** Moves everything committed to the inbox so far; returns how many records. */
    long flush() {
        long moved = 0;
        int n;
        do {
            try {
                n = db.submit(() -> repository.moveInbox(MOVE));
            } catch (RuntimeException e) {
                repository.moveFailed();
                throw e;
            }
            moved += n;
            metrics.moved(n);
        } while (n == MOVE);
        return moved;
    }

    private void tick() {
        if (!repository.queuedSinceMove() && ++idleTicks < IDLE_TICKS) {
            return;
        }
        idleTicks = 0;
        try {
            flush();
        } catch (RuntimeException e) {
            // the database may be away for a while: the records wait in the inbox, durable
            LOG.warn("moving audit records failed, trying again: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("audit-inbox").daemon().factory());
        timer.scheduleWithFixedDelay(this::tick, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
