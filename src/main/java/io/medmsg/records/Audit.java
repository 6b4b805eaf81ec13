package io.medmsg.records;

import java.time.Clock;

import org.springframework.stereotype.Component;

import io.medmsg.db.Database;

/**
 * The audit port of chat and files: writes audit records through the group commit, so that an
 * answer leaves only once its record is durable, and many requests' records share one commit.
 * Records are queued on the transaction and inserted together just before it commits
 * ({@link AuditRepository.Queued}): the statements of a batch's sends stay consecutive, so they
 * still travel in one round trip, and the records in one more.
 */
@Component
public class Audit {

    private final Database db;
    private final AuditRepository repository;
    private final Clock clock;
    private final boolean enabled;

    Audit(Database db, AuditRepository repository, Clock clock, AuditSettings settings) {
        this.enabled = settings.enabled();
        this.db = db;
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * Inside the caller's group-commit unit, for the message {@code msgId} it appends: the record
     * commits with the message, with the message's seq and consultation as committed, and only if
     * the message is in (a resend or a send the gate refused writes no message, and no record).
     */
    public void appendForMessage(AuditEntry entry, String msgId) {
        if (enabled) {
            repository.queue(entry, clock.millis(), msgId);
        }
    }

    /** In a unit of its own (after a read); returns once the record has committed. */
    public void submit(AuditEntry entry) {
        submitLater(entry).run();
    }

    /**
     * In a unit of its own (after a read), queued at once: what it returns returns once the
     * record has committed, and throws if it could not be.
     */
    Runnable submitLater(AuditEntry entry) {
        if (!enabled) {
            return () -> { };
        }
        Database.Committing<Object> committing = db.submitLater(() -> {
            repository.queue(entry, clock.millis(), null);
            return null;
        });
        return committing::await;
    }
}
