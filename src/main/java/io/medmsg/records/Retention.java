package io.medmsg.records;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.medmsg.db.Database;
import io.medmsg.shared.Ids;

/**
 * The retention job, every {@code medmsg.retention.interval} on every instance: purges sessions
 * past {@code purge-after} (when set) and audit records past {@code medmsg.retention.audit}. Each
 * purged session leaves an audit record (action {@code retention/purge}: the session, its seq
 * range 1..last_seq, never content); each audit purge leaves one ({@code retention/audit_purge},
 * {@code seq_to} the highest audit_id removed). Instances racing on one session remove it once
 * (chat re-checks under the session's lock).
 */
@Component
class Retention implements SmartLifecycle {

    static final String ACTOR = "retention";
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int PAGE = 100;

    private final RetentionSettings settings;
    private final SessionPurge sessions;
    private final AuditRepository auditRecords;
    private final Audit audit;
    private final Database db;
    private final Clock clock;
    private ScheduledExecutorService timer;

    Retention(RetentionSettings settings, SessionPurge sessions, AuditRepository auditRecords, Audit audit, Database db,
            Clock clock) {
        this.settings = settings;
        this.sessions = sessions;
        this.auditRecords = auditRecords;
        this.audit = audit;
        this.db = db;
        this.clock = clock;
    }

    record Run(int sessions, long auditRecords) {
    }

    /** One run of the job, now by the clock. */
    Run runOnce() {
        long now = clock.millis();
        String run = "retention-" + Ids.next();
        int purged = 0;
        if (settings.purgeAfter() != null) {
            long cutoff = now - settings.purgeAfter().toMillis();
            List<SessionPurge.Purged> page;
            do {
                page = sessions.purgeOlderThan(cutoff, PAGE);
                for (SessionPurge.Purged p : page) {
                    audit.submit(new AuditEntry("system", ACTOR, "retention/purge", p.sessionId(), null, 1L, p.lastSeq(),
                            null, run, null, 200));
                }
                purged += page.size();
            } while (page.size() == PAGE);
        }
        long cutoff = now - settings.audit().toMillis();
        long removed = 0;
        long highest = 0;
        AuditRepository.Removed r;
        do {
            r = db.submit(() -> auditRecords.deleteOlderThan(cutoff, 10_000));
            removed += r.count();
            highest = Math.max(highest, r.highestId());
        } while (r.count() > 0);
        if (removed > 0) {
            audit.submit(new AuditEntry("system", ACTOR, "retention/audit_purge", null, null, removed, highest, null, run,
                    null, 200));
        }
        if (purged > 0 || removed > 0) {
            LOG.info("retention: purged {} sessions and {} audit records", purged, removed);
        }
        return new Run(purged, removed);
    }

    private void tick() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warn("retention run failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("retention").daemon().factory());
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
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
