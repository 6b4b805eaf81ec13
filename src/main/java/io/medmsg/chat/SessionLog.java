package io.medmsg.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import io.medmsg.events.Outbox;
import io.medmsg.realtime.SessionChanged;
import io.medmsg.shared.Side;

/**
 * Appends one message inside the caller's write transaction: bumps the patient's and the doctor's
 * change counters, takes the session's next seq, inserts the message, in that order (the lock
 * order of {@link ChatService}). Every message but the sends of {@link OneTripAppend} (PostgreSQL)
 * and {@link ScriptedAppend} and {@link AppendBatch} (MySQL/MariaDB) is written here.
 */
@Component
class SessionLog {

    private final ChangeCounters counters;
    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final ApplicationEventPublisher events;
    private final Outbox outbox;

    SessionLog(ChangeCounters counters, SessionRepository sessions, MessageRepository messages,
            ApplicationEventPublisher events, Outbox outbox) {
        this.outbox = outbox;
        this.counters = counters;
        this.sessions = sessions;
        this.messages = messages;
        this.events = events;
    }

    /**
     * The draft appended (its seq and consultation taken from the session), or empty when a gated
     * writer did not pass the consultation gate and {@code admitted} is false (then no message was
     * written; the counters' bumps are harmless gaps).
     */
    Optional<Appended> append(KnownSessions.Parties s, StoredMessage draft, SessionRepository.Writer writer,
            String patientName, boolean admitted) {
        long patientChange = counters.bump(Side.PATIENT, s.patientId());
        long doctorChange = counters.bump(Side.DOCTOR, s.doctorId());
        return sessions.append(s.sessionId(), writer, patientName, draft.createdAt(), patientChange, doctorChange, admitted)
                .map(taken -> {
                    // a system message names the consultation it reports on, which may have just ended
                    String consultation = draft.consultationId() != null ? draft.consultationId() : taken.consultationId();
                    StoredMessage m = draft.withSeq(taken.seq()).withConsultation(consultation);
                    messages.insert(m, patientChange, doctorChange);
                    announce(s, m, taken);
                    return Appended.of(s, m, new Appended.Stamp(taken.seq(), patientChange, doctorChange, consultation));
                });
    }

    /**
     * The message's {@code message.created} event(s), in its transaction: for the party who did
     * not send it; a system message concerns both parties, so each gets one. A recall message is
     * announced as {@code message.recalled} by its caller instead.
     */
    void announce(KnownSessions.Parties s, StoredMessage m, SessionRepository.Taken taken) {
        outbox.messagesCreated(createdEvents(s, m, taken));
    }

    /** The {@code message.created} events of {@link #announce}, to be written. */
    static List<Outbox.Created> createdEvents(KnownSessions.Parties s, StoredMessage m, SessionRepository.Taken taken) {
        if (m.type() == MessageType.RECALL) {
            return List.of();
        }
        List<Outbox.Created> created = new ArrayList<>(2);
        for (Side side : Side.values()) {
            if (!m.senderRole().equals(side.wire())) {
                created.add(new Outbox.Created(s.sessionId(), m.msgId(), side.wire(),
                        side == Side.PATIENT ? s.patientId() : s.doctorId(), taken.unread(side), m.createdAt()));
            }
        }
        return created;
    }

    /** A message whose place the caller has decided (a system message, a recall, an admitted send). */
    Appended appendAdmitted(KnownSessions.Parties s, StoredMessage draft, SessionRepository.Writer writer,
            String patientName) {
        return append(s, draft, writer, patientName, true).orElseThrow();
    }

    /** After commit: wakes the session's readers up to the appended message's seq. */
    void publish(Appended a) {
        KnownSessions.Parties s = a.session();
        Appended.Stamp stamp = a.stampOf();
        events.publishEvent(new SessionChanged(s.sessionId(), s.patientId(), s.doctorId(), stamp.seq(),
                stamp.patientChange(), stamp.doctorChange(), a.draft().msgId()));
    }

    /** Locks the session row for a decision the consultation rules make (after both counters). */
    StoredSession lock(KnownSessions.Parties s) {
        counters.bump(Side.PATIENT, s.patientId());
        counters.bump(Side.DOCTOR, s.doctorId());
        return sessions.lock(s.sessionId()).orElseThrow();
    }
}
