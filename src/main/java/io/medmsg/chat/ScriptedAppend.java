package io.medmsg.chat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.medmsg.db.Database;
import io.medmsg.shared.Side;

/**
 * MySQL/MariaDB: a send's resend check and writes — the patient's and the doctor's change
 * counters, the session row, the message — as one script ({@link Database#script}): one round trip
 * where step by step they were eight (the check, and each counter and the session an UPDATE and
 * then a SELECT, for want of UPDATE … RETURNING, and the INSERT). The group commit runs a batch's
 * sends one after another on its one connection, so a send's time in the writer was mostly those
 * round trips (docs/benchmarks.md).
 *
 * <p>The script writes in the lock order of {@link SessionLog} (both counters, then the session
 * row), and its session UPDATE is the writer's own of {@link SessionRepository}, the consultation
 * gate included, reading the counters back from their rows. Each statement after the first runs
 * only if the one before changed its row ({@code ROW_COUNT() = 1}, the count of the statement
 * before): nothing is written and no row comes back if the sender already used the client_msg_id
 * in the session (the first UPDATE's condition) or the gate refuses; {@link ChatService} then tells
 * the two apart, as after {@link OneTripAppend}. The message's event follows from the returned row
 * ({@link SessionLog#announce}).
 *
 * <p>That is how a send runs alone: in a savepoint, or outside a group-commit batch. In a batch that
 * runs without savepoints (the usual case) the sends are gathered and written together
 * ({@link AppendBatch}): a few statements for the batch instead of seven for each send.
 */
final class ScriptedAppend implements MessageAppend {

    private static final String BUMP_BOTH = """
            UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :patientRole AND user_id = :patientId
                AND NOT EXISTS (SELECT 1 FROM messages WHERE session_id = :sessionId AND sender_role = :senderRole
                    AND sender_id = :senderId AND client_msg_id = :clientMsgId);
            UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :doctorRole AND user_id = :doctorId
                AND ROW_COUNT() = 1;
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
            // the session's UPDATE ends with its WHERE condition, to which the script's is added
            SCRIPTS.put(side, BUMP_BOTH + SessionRepository.appendReadingCounters(SessionRepository.Writer.message(side))
                    + " AND ROW_COUNT() = 1;\n" + INSERT_AND_RETURN);
        }
    }

    private final Database db;
    private final SessionLog log;
    private final Supplier<AppendBatch> batch;

    ScriptedAppend(Database db, SessionLog log) {
        this.db = db;
        this.log = log;
        this.batch = () -> new AppendBatch(db);
    }

    @Override
    public Appended append(StoredMessage draft, KnownSessions.Parties s, Side side, String patientName) {
        if (db.deferring()) {
            return new Appended(s, draft, db.deferred(AppendBatch.class, batch).add(draft, s, side, patientName), null);
        }
        Map<String, Object> params = MessageRepository.content(draft);
        params.put("id", s.sessionId());
        params.put("now", draft.createdAt());
        params.put("admitted", 0);
        params.put("patientName", patientName);
        params.put("patientRole", Side.PATIENT.wire());
        params.put("patientId", s.patientId());
        params.put("doctorRole", Side.DOCTOR.wire());
        params.put("doctorId", s.doctorId());
        Optional<Appended.Stamp> stamp = db.script(SCRIPTS.get(side), params, (rs, n) -> new Written(
                SessionRepository.taken(rs), rs.getLong("patient_change_seq"), rs.getLong("doctor_change_seq")))
                .map(written -> {
                    SessionRepository.Taken taken = written.taken();
                    log.announce(s, draft.withSeq(taken.seq()).withConsultation(taken.consultationId()), taken);
                    return new Appended.Stamp(taken.seq(), written.patientChange(), written.doctorChange(),
                            taken.consultationId());
                });
        return new Appended(s, draft, Database.Pending.of(stamp), null);
    }

    private record Written(SessionRepository.Taken taken, long patientChange, long doctorChange) {
    }
}
