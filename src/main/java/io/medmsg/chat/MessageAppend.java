package io.medmsg.chat;

import io.medmsg.shared.Side;

/**
 * How a new message's writes reach the database: bump the patient's and the doctor's change
 * counters, take the session's next seq, insert the message, in that order (the lock order of
 * {@link ChatService}), unless its sender already used its client_msg_id in the session. The
 * database decides which way, once, when the application starts ({@link MessageAppendConfig}).
 */
interface MessageAppend {

    /**
     * Appends {@code draft} (its seq is ignored) to the session, inside the caller's write
     * transaction, for the sender on {@code side}; a resend when the sender already used the
     * draft's client_msg_id there. {@code patientName} refreshes the session's copy of it when
     * the patient sends.
     */
    Appended append(StoredMessage draft, KnownSessions.Parties session, Side side, String patientName);
}
