package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A row of {@code consultations}. While it is open its rounds live on its session's row (the
 * gate), so reads take {@code rounds_used} from there ({@link ConsultationRepository#COLUMNS}).
 */
record StoredConsultation(String consultationId, String sessionId, String patientId, String doctorId, String status,
        String orderNo, String kind, Integer roundsLimit, int roundsUsed, long durationMs, long acceptDeadline,
        Long endDeadline, long openedAt, Long acceptedAt, Long closedAt, String closeReason, long firstSeq, Long lastSeq,
        String requestDigest) {

    static final String WAITING = "waiting";
    static final String ACTIVE = "active";

    boolean open() {
        return WAITING.equals(status) || ACTIVE.equals(status);
    }

    /** The pending deadline while open. */
    long dueAt() {
        return WAITING.equals(status) ? acceptDeadline : endDeadline;
    }

    /** Reads the columns named {@code prefix + column}; null when the row has none (outer join). */
    static StoredConsultation read(ResultSet rs, String prefix) throws SQLException {
        String id = rs.getString(prefix + "consultation_id");
        if (id == null) {
            return null;
        }
        return new StoredConsultation(id, rs.getString(prefix + "session_id"), rs.getString(prefix + "patient_id"),
                rs.getString(prefix + "doctor_id"), rs.getString(prefix + "status"), rs.getString(prefix + "order_no"),
                rs.getString(prefix + "kind"), (Integer) StoredSession.nullable(rs, rs.getInt(prefix + "rounds_limit")),
                rs.getInt(prefix + "rounds_used"), rs.getLong(prefix + "duration_ms"), rs.getLong(prefix + "accept_deadline"),
                (Long) StoredSession.nullable(rs, rs.getLong(prefix + "end_deadline")), rs.getLong(prefix + "opened_at"),
                (Long) StoredSession.nullable(rs, rs.getLong(prefix + "accepted_at")),
                (Long) StoredSession.nullable(rs, rs.getLong(prefix + "closed_at")), rs.getString(prefix + "close_reason"),
                rs.getLong(prefix + "first_seq"), (Long) StoredSession.nullable(rs, rs.getLong(prefix + "last_seq")),
                rs.getString(prefix + "request_digest"));
    }

    static StoredConsultation map(ResultSet rs, int row) throws SQLException {
        return read(rs, "");
    }

    Views.Consultation view() {
        return new Views.Consultation(consultationId, sessionId, patientId, doctorId, status, orderNo, kind, roundsLimit,
                roundsUsed, acceptDeadline, endDeadline, openedAt, acceptedAt, closedAt, closeReason, firstSeq, lastSeq);
    }

    StoredConsultation accepted(long now) {
        return new StoredConsultation(consultationId, sessionId, patientId, doctorId, ACTIVE, orderNo, kind, roundsLimit,
                roundsUsed, durationMs, acceptDeadline, now + durationMs, openedAt, now, closedAt, closeReason, firstSeq,
                lastSeq, requestDigest);
    }

    StoredConsultation ended(String newStatus, String reason, long now, int rounds, long closingSeq) {
        return new StoredConsultation(consultationId, sessionId, patientId, doctorId, newStatus, orderNo, kind, roundsLimit,
                rounds, durationMs, acceptDeadline, endDeadline, openedAt, acceptedAt, now, reason, firstSeq, closingSeq,
                requestDigest);
    }
}
