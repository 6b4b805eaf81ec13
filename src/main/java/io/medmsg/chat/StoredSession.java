package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;

import io.medmsg.shared.Side;

/** A row of {@code sessions}: both sides' state, and the gate of its consultation ({@link Gate}). */
record StoredSession(String sessionId, String patientId, String patientName, String doctorId, long lastSeq,
        long createdAt, long updatedAt, long patientReadSeq, long doctorReadSeq, long patientDeletedSeq,
        long doctorDeletedSeq, long patientChangeSeq, long doctorChangeSeq, Gate gate) {

    /**
     * The session's current or latest consultation as its row carries it: {@code status} is
     * waiting or active while one is open, else null; rounds and the pending deadline of the open
     * one; when the latest one ended.
     */
    record Gate(String consultationId, String status, int roundsUsed, Integer roundsLimit, Long dueAt, Long closedAt) {

        boolean open() {
            return status != null;
        }
    }

    static final String COLUMNS = """
            session_id, patient_id, patient_name, doctor_id, last_seq, created_at, updated_at, patient_read_seq,
            doctor_read_seq, patient_deleted_seq, doctor_deleted_seq, patient_change_seq, doctor_change_seq,
            c_id, c_status, c_rounds_used, c_rounds_limit, c_due_at, c_closed_at""";

    static StoredSession map(ResultSet rs, int row) throws SQLException {
        return new StoredSession(rs.getString("session_id"), rs.getString("patient_id"), rs.getString("patient_name"),
                rs.getString("doctor_id"), rs.getLong("last_seq"), rs.getLong("created_at"), rs.getLong("updated_at"),
                rs.getLong("patient_read_seq"), rs.getLong("doctor_read_seq"), rs.getLong("patient_deleted_seq"),
                rs.getLong("doctor_deleted_seq"), rs.getLong("patient_change_seq"), rs.getLong("doctor_change_seq"),
                new Gate(rs.getString("c_id"), rs.getString("c_status"), rs.getInt("c_rounds_used"),
                        (Integer) nullable(rs, rs.getInt("c_rounds_limit")),
                        (Long) nullable(rs, rs.getLong("c_due_at")),
                        (Long) nullable(rs, rs.getLong("c_closed_at"))));
    }

    /** {@code value}, just read, or null when its column was SQL NULL. */
    static Object nullable(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    String userOf(Side side) {
        return side == Side.PATIENT ? patientId : doctorId;
    }

    boolean hasParty(Side side, String userId) {
        return userOf(side).equals(userId);
    }

    long readSeq(Side side) {
        return side == Side.PATIENT ? patientReadSeq : doctorReadSeq;
    }

    long deletedSeq(Side side) {
        return side == Side.PATIENT ? patientDeletedSeq : doctorDeletedSeq;
    }

    /** This side's change counter at the session's latest change. */
    long changeSeq(Side side) {
        return side == Side.PATIENT ? patientChangeSeq : doctorChangeSeq;
    }

    /**
     * The row after {@code sender}'s message took the next seq ({@link SessionRepository#append}
     * moves the sender's read_seq to it), as far as {@link #taken} reads it.
     */
    StoredSession appendedBy(Side sender) {
        long seq = lastSeq + 1;
        return new StoredSession(sessionId, patientId, patientName, doctorId, seq, createdAt, updatedAt,
                sender == Side.PATIENT ? seq : patientReadSeq, sender == Side.DOCTOR ? seq : doctorReadSeq,
                patientDeletedSeq, doctorDeletedSeq, patientChangeSeq, doctorChangeSeq, gate);
    }

    /** What {@link SessionRepository#TAKEN} reads of this row: its last seq, the open consultation, the unread counts. */
    SessionRepository.Taken taken() {
        return new SessionRepository.Taken(lastSeq, gate.open() ? gate.consultationId() : null,
                unreadCount(Side.PATIENT), unreadCount(Side.DOCTOR));
    }

    /** Messages from the other party after what this side has read (and not deleted). */
    long unreadCount(Side side) {
        // Sending moves the sender's read_seq to its message, so every message after a side's
        // read_seq comes from the other party: the count is a difference, no query needed.
        return Math.max(0, lastSeq - Math.max(readSeq(side), deletedSeq(side)));
    }
}
