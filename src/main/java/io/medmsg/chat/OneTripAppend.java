package io.medmsg.chat;

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
                    patient_read_seq = CASE WHEN :senderRole = :patientRole THEN last_seq + 1 ELSE patient_read_seq END,
                    doctor_read_seq = CASE WHEN :senderRole = :doctorRole THEN last_seq + 1 ELSE doctor_read_seq END,
                    last_seq = last_seq + 1, updated_at = :createdAt,
                    patient_change_seq = (SELECT change_seq FROM p), doctor_change_seq = (SELECT change_seq FROM d),
                    patient_name = COALESCE(:patientName, patient_name),
                    c_rounds_used = c_rounds_used + CASE WHEN :senderRole = :patientRole THEN 1 ELSE 0 END
                WHERE session_id = :sessionId AND EXISTS (SELECT 1 FROM d)
                    AND c_due_at > :createdAt AND CASE WHEN :senderRole = :patientRole
                        THEN c_status IS NOT NULL AND (c_rounds_limit IS NULL OR c_rounds_used < c_rounds_limit)
                        ELSE c_status = 'active' END
                RETURNING last_seq, patient_change_seq, doctor_change_seq, c_id,
                    last_seq - CASE WHEN :senderRole = :patientRole
                        THEN GREATEST(doctor_read_seq, doctor_deleted_seq)
                        ELSE GREATEST(patient_read_seq, patient_deleted_seq) END AS recipient_unread)
            """ + Outbox.MESSAGE_CREATED_CTES + MessageRepository.INSERT_INTO + MessageRepository.VALUES_OF_APPENDED + """
            FROM s
            RETURNING seq, patient_change_seq, doctor_change_seq, consultation_id""";

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
        Optional<Appended.Stamp> stamp = db.write().sql(APPEND).params(params).query((rs, n) -> new Appended.Stamp(
                rs.getLong("seq"), rs.getLong("patient_change_seq"), rs.getLong("doctor_change_seq"),
                rs.getString("consultation_id"))).optional();
        return new Appended(session, draft, Database.Pending.of(stamp), null);
    }
}
