package io.medmsg.chat;

import io.medmsg.shared.Side;

/**
 * The resend check, then one statement per write ({@link SessionLog}): on SQLite, which runs in
 * the process and has no round trips to save (PostgreSQL: {@link OneTripAppend}, MySQL/MariaDB:
 * {@link ScriptedAppend}).
 */
final class StepByStepAppend implements MessageAppend {

    private final SessionLog log;
    private final MessageRepository messages;

    StepByStepAppend(SessionLog log, MessageRepository messages) {
        this.log = log;
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
        return log.append(s, draft, SessionRepository.Writer.message(side), patientName, false)
                .orElseGet(() -> Appended.refusedOf(s, draft));
    }
}
