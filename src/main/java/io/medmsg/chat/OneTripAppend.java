package io.medmsg.chat;

import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;

/**
 * PostgreSQL: a message's four writes — the patient's and the doctor's change counters, the
 * session row, the message — in one statement, so one round trip instead of four. Group commit
 * runs a batch's sends one after another on one connection, so on PostgreSQL a send's time in the
 * writer is mostly round trips (docs/benchmarks.md). The locks are taken in the one order of
 * {@link ChatService}: the session's UPDATE reads both counters through sub-selects, so they are
 * bumped before its row is locked, and the doctor's bump waits for the patient's
 * ({@code EXISTS (SELECT 1 FROM p)}).
 */
@Repository
class OneTripAppend {

    private static final String APPEND = """
            WITH p AS (
                UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :patientRole AND user_id = :patientId
                RETURNING change_seq),
            d AS (
                UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :doctorRole AND user_id = :doctorId
                    AND EXISTS (SELECT 1 FROM p)
                RETURNING change_seq),
            s AS (
                UPDATE sessions SET %1$s = last_seq + 1, last_seq = last_seq + 1, updated_at = :createdAt,
                    patient_change_seq = (SELECT change_seq FROM p), doctor_change_seq = (SELECT change_seq FROM d),
                    patient_name = COALESCE(:patientName, patient_name)
                WHERE session_id = :sessionId
                RETURNING last_seq, patient_change_seq, doctor_change_seq)
            """ + MessageRepository.INSERT_INTO + """
            VALUES (:msgId, :sessionId, (SELECT last_seq FROM s), :senderRole, :senderId, :type, :text, :fileId,
                :fileName, :mimeType, :fileSize, :recalledMsgId, 0, :clientMsgId, :createdAt,
                (SELECT patient_change_seq FROM s), (SELECT doctor_change_seq FROM s))
            RETURNING seq, patient_change_seq, doctor_change_seq""";

    /** The seq and the two change counter values a message was given. */
    record Stamp(long seq, long patientChange, long doctorChange) {
    }

    private final Database db;

    OneTripAppend(Database db) {
        this.db = db;
    }

    /** Appends {@code draft} (its seq is ignored) to the session of the two parties. */
    Stamp append(StoredMessage draft, KnownSessions.Parties session, Side sender, String patientName) {
        return MessageRepository.bindContent(db.write().sql(APPEND.formatted(sender.col("read_seq"))), draft)
                .param("patientRole", Side.PATIENT.wire()).param("patientId", session.patientId())
                .param("doctorRole", Side.DOCTOR.wire()).param("doctorId", session.doctorId())
                .param("patientName", patientName)
                .query((rs, row) -> new Stamp(rs.getLong(1), rs.getLong(2), rs.getLong(3))).single();
    }
}
