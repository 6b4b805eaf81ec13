package io.medmsg.chat;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;

/** SQL of the {@code consultations} table. Writes run under their session's row lock. */
@Repository
class ConsultationRepository {

    /** Every column, with the live rounds of an open one from its session's gate. */
    static final String COLUMNS = """
            c.consultation_id, c.session_id, c.patient_id, c.doctor_id, c.status, c.order_no, c.kind, c.rounds_limit,
            CASE WHEN s.c_id = c.consultation_id AND s.c_status IS NOT NULL THEN s.c_rounds_used ELSE c.rounds_used END
                AS rounds_used,
            c.duration_ms, c.accept_deadline, c.end_deadline, c.opened_at, c.accepted_at, c.closed_at, c.close_reason,
            c.first_seq, c.last_seq, c.request_digest""";

    private static final String FROM = " FROM consultations c JOIN sessions s ON s.session_id = c.session_id";

    private static final String BY_ID = "SELECT " + COLUMNS + FROM + " WHERE c.consultation_id = :id";

    private static final String BY_ORDER = "SELECT " + COLUMNS + FROM + " WHERE c.order_no = :orderNo";

    private static final String OF_SESSION = "SELECT " + COLUMNS + FROM + """
             WHERE c.session_id = :sessionId
            ORDER BY c.opened_at DESC, c.consultation_id DESC LIMIT :limit""";

    private static final String OF_SESSION_AFTER = "SELECT " + COLUMNS + FROM + """
             WHERE c.session_id = :sessionId
                AND (c.opened_at < :openedAt OR (c.opened_at = :openedAt AND c.consultation_id < :id))
            ORDER BY c.opened_at DESC, c.consultation_id DESC LIMIT :limit""";

    private static final String INSERT = """
            INSERT INTO consultations (consultation_id, session_id, patient_id, doctor_id, status, order_no, kind,
                rounds_limit, rounds_used, duration_ms, accept_deadline, opened_at, first_seq, due_at, request_digest)
            VALUES (:id, :sessionId, :patientId, :doctorId, 'waiting', :orderNo, :kind, :roundsLimit, 0, :durationMs,
                :acceptDeadline, :openedAt, :firstSeq, :acceptDeadline, :digest)""";

    private static final String ACCEPT = """
            UPDATE consultations SET status = 'active', accepted_at = :now, end_deadline = :endDeadline,
                due_at = :endDeadline
            WHERE consultation_id = :id AND status = 'waiting'""";

    private static final String END = """
            UPDATE consultations SET status = :status, close_reason = :reason, close_note = :note, closed_at = :now,
                rounds_used = :rounds, last_seq = :lastSeq, due_at = NULL
            WHERE consultation_id = :id AND status IN ('waiting', 'active')""";

    // The sweeper's read: which consultations' deadlines have passed, oldest first.
    private static final String DUE = """
            SELECT consultation_id, session_id, patient_id, doctor_id FROM consultations
            WHERE due_at <= :now ORDER BY due_at LIMIT :limit""";

    private final Database db;

    ConsultationRepository(Database db) {
        this.db = db;
    }

    Optional<StoredConsultation> find(String id) {
        return db.read().sql(BY_ID).param("id", id).query(StoredConsultation::map).optional();
    }

    Optional<StoredConsultation> findByOrderNo(String orderNo) {
        return db.read().sql(BY_ORDER).param("orderNo", orderNo).query(StoredConsultation::map).optional();
    }

    /** Inside a write: sees this transaction's own changes. */
    Optional<StoredConsultation> findForWrite(String id) {
        return db.write().sql(BY_ID).param("id", id).query(StoredConsultation::map).optional();
    }

    Optional<StoredConsultation> findByOrderNoForWrite(String orderNo) {
        return db.write().sql(BY_ORDER).param("orderNo", orderNo).query(StoredConsultation::map).optional();
    }

    /** A session's consultations, newest first, after the (opened_at, consultation_id) key when given. */
    List<StoredConsultation> ofSession(String sessionId, Long beforeOpenedAt, String beforeId, int limit) {
        JdbcClient.StatementSpec spec = db.read().sql(beforeOpenedAt == null ? OF_SESSION : OF_SESSION_AFTER)
                .param("sessionId", sessionId).param("limit", limit);
        if (beforeOpenedAt != null) {
            spec = spec.param("openedAt", beforeOpenedAt).param("id", beforeId);
        }
        return spec.query(StoredConsultation::map).list();
    }

    void insert(StoredConsultation c) {
        db.write().sql(INSERT).param("id", c.consultationId()).param("sessionId", c.sessionId())
                .param("patientId", c.patientId()).param("doctorId", c.doctorId()).param("orderNo", c.orderNo())
                .param("kind", c.kind()).param("roundsLimit", c.roundsLimit()).param("durationMs", c.durationMs())
                .param("acceptDeadline", c.acceptDeadline()).param("openedAt", c.openedAt())
                .param("firstSeq", c.firstSeq()).param("digest", c.requestDigest()).update();
    }

    boolean accept(StoredConsultation after) {
        return db.write().sql(ACCEPT).param("id", after.consultationId()).param("now", after.acceptedAt())
                .param("endDeadline", after.endDeadline()).update() == 1;
    }

    /** Ends an open consultation; false when it had ended already (then nothing changed). */
    boolean end(StoredConsultation after, String note) {
        return db.write().sql(END).param("id", after.consultationId()).param("status", after.status())
                .param("reason", after.closeReason()).param("note", note).param("now", after.closedAt())
                .param("rounds", after.roundsUsed()).param("lastSeq", after.lastSeq()).update() == 1;
    }

    /** A consultation whose deadline has passed: enough to lock its session. */
    record Due(String consultationId, KnownSessions.Parties session) {
    }

    List<Due> due(long now, int limit) {
        return db.read().sql(DUE).param("now", now).param("limit", limit)
                .query((rs, n) -> new Due(rs.getString("consultation_id"), new KnownSessions.Parties(
                        rs.getString("session_id"), rs.getString("patient_id"), rs.getString("doctor_id"))))
                .list();
    }
}
