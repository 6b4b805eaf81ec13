package io.medmsg.chat;

import java.util.Optional;

import io.medmsg.db.Database;

/**
 * A message as appended; or not appended (no stamp): a resend (the original, when the resend
 * check found it before appending) or a send the session's consultation gate refused. The stamp
 * may come from a batch's gathered writes: read it only after the transaction has committed; then,
 * when there is none and no original, {@link ChatService} looks for one to tell the two apart.
 */
record Appended(KnownSessions.Parties session, StoredMessage draft, Database.Pending<Optional<Stamp>> stamp,
        StoredMessage original) {

    /** The seq and the two change counter values a message was given, and its consultation (or null). */
    record Stamp(long seq, long patientChange, long doctorChange, String consultationId) {
    }

    static Appended of(KnownSessions.Parties session, StoredMessage draft, Stamp stamp) {
        return new Appended(session, draft, Database.Pending.of(Optional.of(stamp)), null);
    }

    static Appended resendOf(KnownSessions.Parties session, StoredMessage draft, StoredMessage original) {
        return new Appended(session, draft, Database.Pending.of(Optional.empty()), original);
    }

    /** A send the gate refused, known to be no resend (the step-by-step append checked). */
    static Appended refusedOf(KnownSessions.Parties session, StoredMessage draft) {
        return new Appended(session, draft, Database.Pending.of(Optional.empty()), null);
    }

    boolean written() {
        return stamp.get().isPresent();
    }

    Stamp stampOf() {
        return stamp.get().orElseThrow();
    }

    StoredMessage message() {
        return draft.withSeq(stampOf().seq()).withConsultation(stampOf().consultationId());
    }
}
