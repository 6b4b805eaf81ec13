package io.medmsg.chat;

import java.util.Optional;

import io.medmsg.shared.Side;

/**
 * The resend check, then the append, where one statement cannot do both ({@link OneTripAppend}):
 * on SQLite, which runs in the process and has no round trips to save, one statement per write
 * ({@link SessionLog}); on MySQL/MariaDB one script for them all ({@link ScriptedAppend}).
 */
final class CheckFirstAppend implements MessageAppend {

    /** A send's writes once it is known to be no resend: empty when the consultation gate refused it. */
    @FunctionalInterface
    interface Writes {
        Optional<Appended> append(KnownSessions.Parties s, StoredMessage draft, Side side, String patientName);
    }

    private final Writes writes;
    private final MessageRepository messages;

    CheckFirstAppend(Writes writes, MessageRepository messages) {
        this.writes = writes;
        this.messages = messages;
    }

    @Override
    public Appended append(StoredMessage draft, KnownSessions.Parties s, Side side, String patientName) {
        if (draft.clientMsgId() != null) {
            StoredMessage original = messages.findByClientMsgId(s.sessionId(), side, draft.senderId(), draft.clientMsgId())
                    .orElse(null);
            if (original != null) {
                return Appended.resendOf(s, draft, original);
            }
        }
        return writes.append(s, draft, side, patientName).orElseGet(() -> Appended.refusedOf(s, draft));
    }
}
