package io.medmsg.chat;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import io.medmsg.events.Outbox;
import io.medmsg.shared.Ids;

/**
 * The consultation transitions of API.md §4, each inside the caller's write transaction, after
 * {@link Turn#lock}: the consultations row, the session's gate and the system message change
 * together or not at all. The conditional UPDATEs make each transition happen once even if two
 * instances decide the same one (the second changes nothing).
 */
@Component
class Transitions {

    private final ConsultationRepository consultations;
    private final SessionRepository sessions;
    private final SessionLog log;
    private final JsonMapper json;
    private final Outbox outbox;

    Transitions(ConsultationRepository consultations, SessionRepository sessions, SessionLog log, JsonMapper json,
            Outbox outbox) {
        this.outbox = outbox;
        this.consultations = consultations;
        this.sessions = sessions;
        this.log = log;
        this.json = json;
    }

    /** A session locked for consultation decisions, and what this transaction appended to it so far. */
    final class Turn {
        final KnownSessions.Parties parties;
        StoredSession session;
        final List<Appended> appended = new ArrayList<>();

        private Turn(KnownSessions.Parties parties, StoredSession session) {
            this.parties = parties;
            this.session = session;
        }

        long nextSeq() {
            return appended.isEmpty() ? session.lastSeq() + 1 : appended.getLast().stampOf().seq() + 1;
        }

        /** The open consultation, or null. */
        StoredConsultation open() {
            StoredSession.Gate gate = session.gate();
            return gate.open() ? consultations.findForWrite(gate.consultationId()).orElseThrow() : null;
        }

        /** The session's current or latest consultation, or null when it never had one. */
        StoredConsultation latest() {
            String id = session.gate().consultationId();
            return id == null ? null : consultations.findForWrite(id).orElseThrow();
        }

        Appended append(StoredMessage draft, SessionRepository.Writer writer, String patientName) {
            Appended a = log.appendAdmitted(parties, draft, writer, patientName);
            appended.add(a);
            return a;
        }

        /** After commit: one wake-up for everything appended. */
        void publish() {
            if (!appended.isEmpty()) {
                log.publish(appended.getLast());
            }
        }

        private void reload() {
            session = sessions.lock(parties.sessionId()).orElseThrow();
        }
    }

    Turn lock(KnownSessions.Parties parties) {
        return new Turn(parties, log.lock(parties));
    }

    /** Opens a waiting consultation; {@code announce} appends the opened system message. */
    StoredConsultation open(Turn t, StoredConsultation draft, boolean announce) {
        StoredConsultation c = new StoredConsultation(draft.consultationId(), t.parties.sessionId(), t.parties.patientId(),
                t.parties.doctorId(), StoredConsultation.WAITING, draft.orderNo(), draft.kind(), draft.roundsLimit(), 0,
                draft.durationMs(), draft.acceptDeadline(), null, draft.openedAt(), null, null, null, t.nextSeq(), null,
                draft.requestDigest());
        consultations.insert(c);
        sessions.openGate(c.sessionId(), c.consultationId(), c.roundsLimit(), c.acceptDeadline());
        t.reload();
        if (announce) {
            system(t, "consultation.opened", c, c.openedAt());
        }
        event("consultation.opened", c, c.openedAt());
        return c;
    }

    StoredConsultation accept(Turn t, StoredConsultation c, long now, boolean announce) {
        StoredConsultation after = c.accepted(now);
        if (!consultations.accept(after)) {
            throw new IllegalStateException("consultation " + c.consultationId() + " was not waiting under its session's lock");
        }
        sessions.acceptGate(c.sessionId(), c.consultationId(), after.endDeadline());
        t.reload();
        if (announce) {
            system(t, "consultation.accepted", after, now);
        }
        event("consultation.accepted", after, now);
        return after;
    }

    /** Ends an open consultation with its system message, whose seq becomes its last_seq. */
    StoredConsultation end(Turn t, StoredConsultation c, String status, String reason, String note, long now) {
        StoredConsultation after = c.ended(status, reason, now, t.session.gate().roundsUsed(), t.nextSeq());
        if (!consultations.end(after, note)) {
            throw new IllegalStateException("consultation " + c.consultationId() + " was not open under its session's lock");
        }
        sessions.closeGate(c.sessionId(), c.consultationId(), now);
        t.reload();
        system(t, "consultation." + status, after, now);
        event("consultation." + status, after, now);
        return after;
    }

    /** Ends a consultation whose deadline has passed: waiting → expired, active → closed. */
    StoredConsultation endByDeadline(Turn t, StoredConsultation c, long now) {
        return StoredConsultation.WAITING.equals(c.status())
                ? end(t, c, "expired", "accept_timeout", null, now)
                : end(t, c, "closed", "timeout", null, now);
    }

    private void system(Turn t, String type, StoredConsultation c, long now) {
        String event = json.writeValueAsString(new Views.Event(type, c.view()));
        t.append(new StoredMessage(Ids.next(), c.sessionId(), 0, StoredMessage.SYSTEM, StoredMessage.SYSTEM,
                MessageType.SYSTEM, null, null, null, null, null, null, false, null, now, c.consultationId(), null, event),
                SessionRepository.Writer.SYSTEM, null);
    }

    /** The transition's event out (API.md §5), whether or not a system message announced it in the session. */
    private void event(String type, StoredConsultation c, long now) {
        outbox.record(type, c.sessionId(), new ConsultationEvent(c.view()), now);
    }

    /** The data of API.md §5's {@code consultation.*} events. */
    record ConsultationEvent(Views.Consultation consultation) {
    }
}
