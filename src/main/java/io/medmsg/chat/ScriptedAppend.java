package io.medmsg.chat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import io.medmsg.db.Database;
import io.medmsg.shared.Side;

/**
 * MySQL/MariaDB: a send's writes — the patient's and the doctor's change counters, the session
 * row, the message — as one script ({@link Database#script}): one round trip where step by step
 * they were seven (each counter and the session an UPDATE and then a SELECT, for want of UPDATE …
 * RETURNING, and the INSERT). The group commit runs a batch's sends one after another on its one
 * connection, so a send's time in the writer was mostly those round trips (docs/benchmarks.md).
 *
 * <p>The script writes in the lock order of {@link SessionLog} (both counters, then the session
 * row), and its session UPDATE is the writer's own of {@link SessionRepository}, the consultation
 * gate included, reading the counters back from their rows. When the gate refuses, the UPDATE
 * changes no row, so the INSERT and the SELECT after it (each on {@code ROW_COUNT() = 1}, the
 * count of the statement before) write and return nothing. The message's event follows from the
 * returned row ({@link SessionLog#announce}).
 */
final class ScriptedAppend implements CheckFirstAppend.Writes {

    private static final String BUMP_BOTH = """
            UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :patientRole AND user_id = :patientId;
            UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :doctorRole AND user_id = :doctorId;
            """;

    private static final String INSERT_AND_RETURN = MessageRepository.INSERT_INTO + MessageRepository.VALUES_OF_APPENDED
            + """
            FROM sessions WHERE session_id = :id AND ROW_COUNT() = 1;
            SELECT patient_change_seq, doctor_change_seq,
            """ + SessionRepository.TAKEN + """

            FROM sessions WHERE session_id = :id AND ROW_COUNT() = 1""";

    /** By sender: only a gated writer's script, whose passing the gate means c_id is the open consultation. */
    private static final Map<Side, String> SCRIPTS = new EnumMap<>(Side.class);

    static {
        for (Side side : Side.values()) {
            SCRIPTS.put(side, BUMP_BOTH + SessionRepository.appendReadingCounters(SessionRepository.Writer.message(side))
                    + ";\n" + INSERT_AND_RETURN);
        }
    }

    private final Database db;
    private final SessionLog log;

    ScriptedAppend(Database db, SessionLog log) {
        this.db = db;
        this.log = log;
    }

    @Override
    public Optional<Appended> append(KnownSessions.Parties s, StoredMessage draft, Side side, String patientName) {
        Map<String, Object> params = MessageRepository.content(draft);
        params.put("id", s.sessionId());
        params.put("now", draft.createdAt());
        params.put("admitted", 0);
        params.put("patientName", patientName);
        params.put("patientRole", Side.PATIENT.wire());
        params.put("patientId", s.patientId());
        params.put("doctorRole", Side.DOCTOR.wire());
        params.put("doctorId", s.doctorId());
        return db.script(SCRIPTS.get(side), params, (rs, n) -> new Written(SessionRepository.taken(rs),
                rs.getLong("patient_change_seq"), rs.getLong("doctor_change_seq")))
                .map(written -> {
                    SessionRepository.Taken taken = written.taken();
                    StoredMessage m = draft.withSeq(taken.seq()).withConsultation(taken.consultationId());
                    log.announce(s, m, taken);
                    return Appended.of(s, m, new Appended.Stamp(taken.seq(), written.patientChange(),
                            written.doctorChange(), taken.consultationId()));
                });
    }

    private record Written(SessionRepository.Taken taken, long patientChange, long doctorChange) {
    }
}
