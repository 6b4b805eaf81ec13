package io.medmsg.chat;

import java.util.Optional;

import io.medmsg.db.Database;

/**
 * A message as appended, or a resend (no stamp; the original, when the resend check found it
 * before appending). The stamp may come from a pipelined statement: read it only after the
 * transaction has committed.
 */
record Appended(KnownSessions.Parties session, StoredMessage draft, Database.Pending<Optional<Stamp>> stamp,
        StoredMessage original) {

    /** The seq and the two change counter values a message was given. */
    record Stamp(long seq, long patientChange, long doctorChange) {
    }

    static Appended of(KnownSessions.Parties session, StoredMessage draft, Stamp stamp) {
        return new Appended(session, draft, Database.Pending.of(Optional.of(stamp)), null);
    }

    static Appended resendOf(KnownSessions.Parties session, StoredMessage draft, StoredMessage original) {
        return new Appended(session, draft, Database.Pending.of(Optional.empty()), original);
    }

    boolean isResend() {
        return stamp.get().isEmpty();
    }

    Stamp stampOf() {
        return stamp.get().orElseThrow();
    }

    StoredMessage message() {
        return draft.withSeq(stampOf().seq());
    }
}
