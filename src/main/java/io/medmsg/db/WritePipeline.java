package io.medmsg.db;

import java.util.function.Supplier;

/**
 * The writes a group-commit batch's units gather for later ({@link Database.Deferred}): a module
 * holds a batch's sends and writes them in fewer statements than one unit at a time would take
 * (PostgreSQL: {@code chat.AppendStatement}; MySQL/MariaDB: {@code chat.AppendBatch}). What is
 * gathered is sent before any other statement of the writer ({@link Database}) and before the
 * batch commits ({@link BatchRunner}), so every statement still sees the ones before it, in order,
 * and forgotten if the batch rolls back.
 *
 * <p>Writer thread only.
 */
final class WritePipeline {

    /** The gathering under way, if any. */
    private Database.Deferred deferred;

    /** The gathering of {@code kind} under way, else a new one, after whatever else was gathered has been sent. */
    <D extends Database.Deferred> D deferred(Class<D> kind, Supplier<D> start) {
        if (kind.isInstance(deferred)) {
            return kind.cast(deferred);
        }
        flush();
        D started = start.get();
        deferred = started;
        return started;
    }

    /** Sends what was gathered. */
    void flush() {
        if (deferred != null) {
            // taken off first: what it sends goes through the writer, which flushes this again
            Database.Deferred gathered = deferred;
            deferred = null;
            gathered.flush();
        }
    }

    /** Forgets what was gathered (its transaction is being rolled back). */
    void discard() {
        if (deferred != null) {
            deferred.discard();
            deferred = null;
        }
    }
}
