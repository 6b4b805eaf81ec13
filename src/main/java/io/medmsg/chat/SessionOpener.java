package io.medmsg.chat;

import java.time.Clock;

import org.springframework.stereotype.Component;

import io.medmsg.auth.Caller;
import io.medmsg.directory.Doctor;
import io.medmsg.directory.DoctorDirectory;
import io.medmsg.shared.Ids;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * The session a new message goes to, inside {@link ChatService}'s write: a patient names the
 * doctor, and the session is opened on the first message; a doctor names the session. Sessions
 * already known to this instance ({@link KnownSessions}) are not looked up.
 */
@Component
class SessionOpener {

    private final SessionRepository sessions;
    private final ChangeCounters counters;
    private final DoctorDirectory directory;
    private final KnownSessions known;
    private final Clock clock;

    SessionOpener(SessionRepository sessions, ChangeCounters counters, DoctorDirectory directory, KnownSessions known,
            Clock clock) {
        this.clock = clock;
        this.sessions = sessions;
        this.counters = counters;
        this.directory = directory;
        this.known = known;
    }

    KnownSessions.Parties of(Caller caller, Side side, ChatService.Target target) {
        return side == Side.PATIENT ? patientsSession(caller, target.doctorId()) : doctorsSession(caller, target.sessionId());
    }

    /** The session of this patient and doctor, opened if need be. */
    private KnownSessions.Parties patientsSession(Caller patient, String doctorId) {
        KnownSessions.Parties k = known.ofPair(patient.id(), doctorId);
        return k != null ? k : KnownSessions.Parties.of(openOrFind(patient, doctorId));
    }

    private KnownSessions.Parties doctorsSession(Caller doctor, String sessionId) {
        KnownSessions.Parties k = known.ofParty(sessionId, Side.DOCTOR, doctor.id());
        return k != null ? k : KnownSessions.Parties.of(
                ChatService.partyOf(sessions.findForWrite(sessionId).orElse(null), Side.DOCTOR, doctor.id()));
    }

    /** For the hospital's back end: the patient's session with that doctor, opened now if there is none. */
    KnownSessions.Parties forPatient(String patientId, String patientName, String doctorId) {
        KnownSessions.Parties k = known.ofPair(patientId, doctorId);
        return k != null ? k : KnownSessions.Parties.of(openOrFind(patientId, patientName, doctorId));
    }

    private StoredSession openOrFind(Caller patient, String doctorId) {
        return openOrFind(patient.id(), patient.name(), doctorId);
    }

    /** The patient's session with that doctor, opened now if there is none. */
    private StoredSession openOrFind(String patientId, String patientName, String doctorId) {
        StoredSession existing = sessions.findByPairForWrite(patientId, doctorId).orElse(null);
        if (existing != null) {
            return existing;
        }
        Doctor doctor = directory.find(doctorId).orElseThrow(() -> ApiException.notFound("doctor"));
        if (!doctor.isAccepting()) {
            throw new ApiException(ErrorCode.DOCTOR_NOT_ACCEPTING, "the doctor is not accepting consultations");
        }
        counters.ensure(Side.PATIENT, patientId);
        counters.ensure(Side.DOCTOR, doctorId);
        sessions.insertIfAbsent(Ids.next(), patientId, patientName, doctorId, clock.millis());
        return sessions.findByPairForWrite(patientId, doctorId).orElseThrow();
    }
}
