package io.medmsg.shared;

import java.time.Duration;

/**
 * Something MedMsg depends on — the database, the file storage — failed, not the request: the
 * database cannot be reached, or the disk is full. Thrown (or carried as a cause) by the module
 * that met it, which alone knows how its dependency reports such failures; answered once, by
 * {@code web}, as 503 "unavailable" or 507 "storage full" with {@code Retry-After}. The message
 * is for the log; clients see a fixed one.
 */
public final class DependencyFailure extends RuntimeException {

    /** How soon a client may try again: about the time a dependency takes to come back or be freed. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    public enum Kind {
        /** Cannot be reached, or refuses work for now: the same request may succeed later. */
        UNAVAILABLE,
        /** Has no room left: nothing was stored, and nothing will be until an operator frees space. */
        STORAGE_FULL
    }

    private final Kind kind;

    public DependencyFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The dependency failure anywhere in the chain of causes of {@code failure}, or null. */
    public static DependencyFailure in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DependencyFailure found) {
                return found;
            }
            if (t.getCause() == t) {
                return null;
            }
        }
        return null;
    }
}
