package io.medmsg.chat;

import java.time.Clock;
import java.util.function.Supplier;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;

import io.medmsg.auth.Caller;
import io.medmsg.config.MedMsgProperties;
import io.medmsg.db.Database;
import io.medmsg.directory.DoctorDirectory;
import io.medmsg.shared.Ids;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * The one owner of the consultation rules (API.md §4): who may write into a session now, the
 * transitions the parties and the hospital's back end ask for, and the deadlines. Each decision is
 * made under the session's lock ({@link Transitions.Turn}); a deadline that has passed is applied
 * first, whoever touches the session, and the sweeper ({@link DeadlineSweeper}) applies the rest.
 * A refusal is decided inside the transaction but thrown after it commits, so that a deadline
 * applied on the way is kept.
 */
@Service
class ConsultationService {

    private static final int ATTEMPTS = 5;

    private final Database db;
    private final Transitions transitions;
    private final ConsultationRepository consultations;
    private final MessageRepository messages;
    private final SessionRepository sessions;
    private final DoctorDirectory directory;
    private final MedMsgProperties.Consultations settings;
    private final Clock clock;

    ConsultationService(Database db, Transitions transitions, ConsultationRepository consultations,
            MessageRepository messages, SessionRepository sessions, DoctorDirectory directory,
            MedMsgProperties properties, Clock clock) {
        this.db = db;
        this.transitions = transitions;
        this.consultations = consultations;
        this.messages = messages;
        this.sessions = sessions;
        this.directory = directory;
        this.settings = properties.consultations();
        this.clock = clock;
    }

    /** What a decision made under the lock gives: a value, or a refusal to throw once committed. */
    record Decided<T>(T value, ApiException refusal, Transitions.Turn turn) {
    }

    /**
     * A send the session's gate did not let through: decides under the lock whether the sender may
     * write now (opening or accepting a free consultation in open mode), and appends. A resend of
     * a message appended meanwhile gives the original.
     */
    Decided<Appended> admit(KnownSessions.Parties p, Side side, StoredMessage draft, String patientName) {
        if (draft.clientMsgId() != null) {
            StoredMessage original = messages.findByClientMsgId(p.sessionId(), side, draft.senderId(), draft.clientMsgId())
                    .orElse(null);
            if (original != null) {
                return new Decided<>(Appended.resendOf(p, draft, original), null, null);
            }
        }
        Transitions.Turn t = transitions.lock(p);
        long now = draft.createdAt();
        StoredConsultation c = openAfterDeadlines(t, now);
        ApiException refusal = side == Side.PATIENT ? admitPatient(t, c, now) : admitDoctor(t, c, now);
        if (refusal != null) {
            return new Decided<>(null, refusal, t);
        }
        SessionRepository.Writer writer = SessionRepository.Writer.message(side);
        return new Decided<>(t.append(draft, writer, patientName), null, t);
    }

    private ApiException admitPatient(Transitions.Turn t, StoredConsultation c, long now) {
        if (c == null) {
            if (settings.managed()) {
                return new ApiException(ErrorCode.NO_OPEN_CONSULTATION,
                        "no open consultation in this session: the hospital opens one (managed mode)");
            }
            ApiException notAccepting = doctorNotAccepting(t.parties.doctorId());
            if (notAccepting != null) {
                return notAccepting;
            }
            c = transitions.open(t, freeConsultation(t.parties, null, null, null, null, null, null, now), false);
        }
        Integer limit = c.roundsLimit();
        if (limit != null && t.session.gate().roundsUsed() >= limit) {
            return new ApiException(ErrorCode.ROUNDS_USED_UP,
                    "the consultation's rounds are used up (" + limit + " patient messages)");
        }
        return null;
    }

    private ApiException admitDoctor(Transitions.Turn t, StoredConsultation c, long now) {
        if (c == null) {
            if (t.session.gate().consultationId() == null && !settings.managed()) {
                // a session from before consultations existed: the seed let the doctor write
                return null;
            }
            Long closedAt = t.session.gate().closedAt();
            if (closedAt != null && now - closedAt <= settings.doctorGrace().toMillis()) {
                return null;
            }
            return new ApiException(ErrorCode.NO_OPEN_CONSULTATION, "no open consultation in this session, and the "
                    + "doctor's follow-up period after the last one has passed");
        }
        if (StoredConsultation.WAITING.equals(c.status())) {
            if (settings.managed()) {
                return new ApiException(ErrorCode.CONSULTATION_STATE,
                        "the consultation is waiting: accept it (consultation/accept) before replying");
            }
            transitions.accept(t, c, now, false);
        }
        return null;
    }

    /** The open consultation after applying a deadline that has passed, or null. */
    private StoredConsultation openAfterDeadlines(Transitions.Turn t, long now) {
        StoredConsultation c = t.open();
        if (c != null && c.dueAt() <= now) {
            transitions.endByDeadline(t, c, now);
            return null;
        }
        return c;
    }

    /** Why a new consultation may not be opened in this session now, or null when it may. */
    ApiException refusalToOpen(Transitions.Turn t, long now) {
        StoredConsultation c = openAfterDeadlines(t, now);
        if (c != null) {
            return new ApiException(ErrorCode.CONSULTATION_STATE,
                    "a consultation is already open in this session (status " + c.status() + ")");
        }
        return doctorNotAccepting(t.parties.doctorId());
    }

    private ApiException doctorNotAccepting(String doctorId) {
        boolean accepting = directory.find(doctorId).map(d -> d.isAccepting()).orElse(false);
        return accepting ? null : new ApiException(ErrorCode.DOCTOR_NOT_ACCEPTING, "the doctor is not accepting consultations");
    }

    /** A waiting consultation to open, with the free defaults where the request gives nothing. */
    StoredConsultation freeConsultation(KnownSessions.Parties p, String orderNo, String kind, Integer roundsLimit,
            Long acceptWithinS, Long durationS, String digest, long now) {
        MedMsgProperties.Free free = settings.free();
        long acceptWithin = acceptWithinS != null ? acceptWithinS * 1000 : free.acceptWithin().toMillis();
        long duration = durationS != null ? durationS * 1000 : free.duration().toMillis();
        return new StoredConsultation(Ids.next(), p.sessionId(), p.patientId(), p.doctorId(), StoredConsultation.WAITING,
                orderNo, kind != null ? kind : "text", roundsLimit != null ? roundsLimit : free.roundsLimit(), 0, duration,
                now + acceptWithin, null, now, null, null, null, 0, null, digest);
    }

    /** The sweeper's part: ends a consultation whose deadline passed; false when it had already changed. */
    boolean applyDeadline(ConsultationRepository.Due due) {
        Decided<StoredConsultation> d = retrying(() -> db.submit(() -> {
            Transitions.Turn t = transitions.lock(due.session());
            long now = clock.millis();
            StoredConsultation c = consultations.findForWrite(due.consultationId()).orElseThrow();
            return new Decided<>(c.open() && c.dueAt() <= now ? transitions.endByDeadline(t, c, now) : null, null, t);
        }));
        return settle(d) != null;
    }

    // --- the transitions the parties ask for -------------------------------------------------

    Views.OneConsultation accept(Caller doctor, String sessionId) {
        return transition(doctor, sessionId, (t, c, now) -> {
            if (!StoredConsultation.WAITING.equals(c.status())) {
                return stateRefusal(c, "accepted");
            }
            return transitions.accept(t, c, now, true);
        });
    }

    Views.OneConsultation cancel(Caller patient, String sessionId) {
        return transition(patient, sessionId, (t, c, now) -> {
            if (!StoredConsultation.WAITING.equals(c.status())) {
                return stateRefusal(c, "cancelled by the patient");
            }
            return transitions.end(t, c, "cancelled", "patient_cancel", null, now);
        });
    }

    /** Closes the doctor's active consultation; the summary card, if any, goes first. */
    Views.OneConsultation close(Caller doctor, String sessionId, String summaryJson) {
        return transition(doctor, sessionId, (t, c, now) -> {
            if (!StoredConsultation.ACTIVE.equals(c.status())) {
                return stateRefusal(c, "closed by the doctor");
            }
            if (summaryJson != null) {
                t.append(new StoredMessage(Ids.next(), t.parties.sessionId(), 0, Side.DOCTOR.wire(), doctor.id(),
                        MessageType.CARD, null, null, null, null, null, null, false, null, now, c.consultationId(),
                        summaryJson, null), SessionRepository.Writer.DOCTOR, null);
            }
            return transitions.end(t, c, "closed", "doctor", null, now);
        });
    }

    Views.OneConsultation adminClose(String consultationId, String note) {
        StoredConsultation known = consultations.find(consultationId).orElseThrow(() -> ApiException.notFound("consultation"));
        KnownSessions.Parties p = new KnownSessions.Parties(known.sessionId(), known.patientId(), known.doctorId());
        Decided<StoredConsultation> d = retrying(() -> db.submit(() -> {
            Transitions.Turn t = transitions.lock(p);
            long now = clock.millis();
            StoredConsultation c = consultations.findForWrite(consultationId).orElseThrow();
            if (c.open() && c.dueAt() <= now) {
                return new Decided<>(null, stateRefusal(transitions.endByDeadline(t, c, now), "closed"), t);
            }
            if (!c.open()) {
                return new Decided<>(null, stateRefusal(c, "closed"), t);
            }
            return new Decided<>(transitions.end(t, c, "closed", "admin", note, now), null, t);
        }));
        return new Views.OneConsultation(settle(d).view());
    }

    /** What a party's transition does to the open consultation, under the lock. */
    private interface Step {
        Object apply(Transitions.Turn t, StoredConsultation c, long now);
    }

    private Views.OneConsultation transition(Caller caller, String sessionId, Step step) {
        Side side = caller.side();
        StoredSession s = ChatService.partyOf(sessions.find(sessionId).orElse(null), side, caller.id());
        KnownSessions.Parties p = KnownSessions.Parties.of(s);
        Decided<StoredConsultation> d = retrying(() -> db.submit(() -> {
            Transitions.Turn t = transitions.lock(p);
            long now = clock.millis();
            StoredConsultation latest = t.latest();
            if (latest == null) {
                return new Decided<>(null, new ApiException(ErrorCode.NO_OPEN_CONSULTATION,
                        "this session has no consultation"), t);
            }
            StoredConsultation c = latest;
            if (c.open() && c.dueAt() <= now) {
                c = transitions.endByDeadline(t, c, now);
            }
            if (!c.open()) {
                return new Decided<>(null, stateRefusal(c, "changed"), t);
            }
            Object result = step.apply(t, c, now);
            return result instanceof ApiException refusal ? new Decided<>(null, refusal, t)
                    : new Decided<>((StoredConsultation) result, null, t);
        }));
        return new Views.OneConsultation(settle(d).view());
    }

    private static ApiException stateRefusal(StoredConsultation c, String wanted) {
        return new ApiException(ErrorCode.CONSULTATION_STATE,
                "the consultation is " + c.status() + " and cannot be " + wanted + " from that status");
    }

    /** After commit: wakes the readers, then answers or throws the refusal. */
    <T> T settle(Decided<T> d) {
        if (d.turn() != null) {
            d.turn().publish();
        }
        if (d.refusal() != null) {
            throw d.refusal();
        }
        return d.value();
    }

    /** Races the database settles by refusing one side are retried, as in {@link ChatService}. */
    static <T> T retrying(Supplier<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (DuplicateKeyException | PessimisticLockingFailureException e) {
                if (i >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
