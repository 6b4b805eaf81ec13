package io.medmsg.chat;

import io.medmsg.shared.Side;

/**
 * The resend check, then one statement per write: where one statement cannot do them all
 * ({@link OneTripAppend}), on SQLite, which runs in the process and has no round trips to save,
 * and on MySQL/MariaDB.
 */
final class StepByStepAppend implements MessageAppend {

    private final ChangeCounters counters;
    private final SessionRepository sessions;
    private final MessageRepository messages;

    StepByStepAppend(ChangeCounters counters, SessionRepository sessions, MessageRepository messages) {
        this.counters = counters;
        this.sessions = sessions;
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
        long patientChange = counters.bump(Side.PATIENT, s.patientId());
        long doctorChange = counters.bump(Side.DOCTOR, s.doctorId());
        long seq = sessions.append(s.sessionId(), side, patientName, draft.createdAt(), patientChange, doctorChange);
        messages.insert(draft.withSeq(seq), patientChange, doctorChange);
        return Appended.of(s, draft, new Appended.Stamp(seq, patientChange, doctorChange));
    }
}
