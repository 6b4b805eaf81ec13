package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.medmsg.db.Database;
import io.medmsg.events.Outbox;
import io.medmsg.shared.Side;

/**
 * PostgreSQL: a message's four writes — the patient's and the doctor's change counters, the
 * session row, the message — in one statement, so one round trip instead of four. Group commit
 * runs a batch's sends one after another on one connection, so on PostgreSQL a send's time in the
 * writer is mostly round trips (docs/benchmarks.md); its {@code message.created} event ({@link Outbox})
 * is written by further CTEs of the same statement. The locks are taken in the one order of
 * {@link ChatService}: the session's UPDATE reads both counters through sub-selects, so they are
 * bumped before its row is locked, and the doctor's bump waits for the patient's
 * ({@code EXISTS (SELECT 1 FROM p)}). The session's UPDATE is also the consultation gate of
 * {@link SessionRepository}: when it refuses, no message is written and no row comes back.
 *
 * <p>That is how a send runs alone: in a savepoint, or outside a group-commit batch. In a batch that
 * runs without savepoints (the usual case) the sends are gathered and written by one statement for
 * the batch ({@link AppendStatement}).
 */
final class OneTripAppend implements MessageAppend {

    // One statement for both senders (the sender's read_seq moves with the seq), the resend check
    // included: if the sender already used the client_msg_id in this session, nothing is written
    // and no row comes back.
    static final String APPEND = """
            WITH prior AS (
                SELECT 1 FROM messages
                WHERE session_id = :sessionId AND sender_role = :senderRole AND sender_id = :senderId
                    AND client_msg_id = :clientMsgId),
            p AS (
                UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :patientRole AND user_id = :patientId
                    AND NOT EXISTS (SELECT 1 FROM prior)
                RETURNING change_seq),
            d AS (
                UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :doctorRole AND user_id = :doctorId
                    AND EXISTS (SELECT 1 FROM p)
                RETURNING change_seq),
            s AS (
                UPDATE sessions SET
                """ + SessionWrite.ALONE.set() + """
                WHERE session_id = :sessionId AND EXISTS (SELECT 1 FROM d) AND
                """ + SessionWrite.ALONE.gate() + """
                RETURNING
                """ + SessionWrite.ALONE.taken() + ")\n" + Outbox.MESSAGE_CREATED_CTES + MessageRepository.INSERT_INTO + MessageRepository.VALUES_OF_APPENDED + """
            FROM s
            RETURNING seq, patient_change_seq, doctor_change_seq, consultation_id""";

    /**
     * What a send writes to its session row on PostgreSQL, alone ({@link #APPEND}) or in a batch
     * ({@link AppendStatement}), named by the expressions that give the send's values in each
     * statement: the sender's read_seq moves with the seq, the patient's message counts a round,
     * and the consultation gate of {@link SessionRepository} decides whether the row changes at all.
     */
    record SessionWrite(String senderRole, String createdAt, String patientName, String patientChange,
            String doctorChange) {

        /** The parameters of {@link #APPEND}; the counters' values from its CTEs {@code p} and {@code d}. */
        static final SessionWrite ALONE = new SessionWrite(":senderRole", ":createdAt", ":patientName",
                "(SELECT change_seq FROM p)", "(SELECT change_seq FROM d)");

        /** The SET list. */
        String set() {
            return """
                    patient_read_seq = CASE WHEN %1$s = :patientRole THEN last_seq + 1 ELSE patient_read_seq END,
                    doctor_read_seq = CASE WHEN %1$s = :doctorRole THEN last_seq + 1 ELSE doctor_read_seq END,
                    last_seq = last_seq + 1, updated_at = %2$s,
                    patient_change_seq = %4$s, doctor_change_seq = %5$s,
                    patient_name = COALESCE(%3$s, sessions.patient_name),
                    c_rounds_used = c_rounds_used + CASE WHEN %1$s = :patientRole THEN 1 ELSE 0 END
                    """.formatted(senderRole, createdAt, patientName, patientChange, doctorChange);
        }

        /** The consultation gate: a patient's message while one is open, before its deadline and within its rounds; a doctor's while it is active. */
        String gate() {
            return """
                    c_due_at > %2$s AND CASE WHEN %1$s = :patientRole
                        THEN c_status IS NOT NULL AND (c_rounds_limit IS NULL OR c_rounds_used < c_rounds_limit)
                        ELSE c_status = 'active' END
                    """.formatted(senderRole, createdAt);
        }

        /** What the row gives the message and its event: its seq, both counters, the consultation, the recipient's unread count. */
        String taken() {
            return """
                    last_seq, patient_change_seq, doctor_change_seq, c_id,
                        last_seq - CASE WHEN %1$s = :patientRole
                            THEN GREATEST(doctor_read_seq, doctor_deleted_seq)
                            ELSE GREATEST(patient_read_seq, patient_deleted_seq) END AS recipient_unread""".formatted(senderRole);
        }
    }

    private final Database db;

    private final Supplier<AppendStatement> batch;

    OneTripAppend(Database db) {
        this.db = db;
        this.batch = () -> new AppendStatement(db);
    }

    /**
     * The resend check goes with the append, in the one statement: when the sender already used
     * the client_msg_id, no row comes back and the stamp is empty. In a batch, the stamp is known
     * once the batch's sends have been written ({@link AppendStatement}).
     */
    @Override
    public Appended append(StoredMessage draft, KnownSessions.Parties session, Side side, String patientName) {
        Map<String, Object> params = MessageRepository.content(draft);
        params.put("patientRole", Side.PATIENT.wire());
        params.put("patientId", session.patientId());
        params.put("doctorRole", Side.DOCTOR.wire());
        params.put("doctorId", session.doctorId());
        params.put("patientName", patientName);
        Side recipient = side.peer();
        Outbox.messageCreatedParams(params, recipient.wire(),
                recipient == Side.PATIENT ? session.patientId() : session.doctorId());
        if (db.deferring()) {
            return new Appended(session, draft, db.deferred(AppendStatement.class, batch).add(params), null);
        }
        Optional<Appended.Stamp> stamp = db.write().sql(APPEND).params(params).query((rs, n) -> stampOf(rs)).optional();
        return new Appended(session, draft, Database.Pending.of(stamp), null);
    }

    /** A written message's stamp, from the row {@link #APPEND} (or {@link AppendStatement#APPEND_ALL}) returned for it. */
    static Appended.Stamp stampOf(ResultSet rs) throws SQLException {
        return new Appended.Stamp(rs.getLong("seq"), rs.getLong("patient_change_seq"), rs.getLong("doctor_change_seq"),
                rs.getString("consultation_id"));
    }
}
