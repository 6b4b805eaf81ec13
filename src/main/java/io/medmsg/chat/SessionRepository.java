package io.medmsg.chat;

import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;
import io.medmsg.shared.Side;

/** SQL of the {@code sessions} table. Writes use the writer connection, reads the reader pool. */
@Repository
class SessionRepository {

    static final String BY_ID = "SELECT " + StoredSession.COLUMNS + " FROM sessions WHERE session_id = :id";

    static final String BY_PAIR = "SELECT " + StoredSession.COLUMNS
            + " FROM sessions WHERE patient_id = :patient AND doctor_id = :doctor";

    private static final String INSERT = """
            INSERT INTO sessions (session_id, patient_id, patient_name, doctor_id, created_at, updated_at)
            VALUES (:id, :patient, :name, :doctor, :now, :now)""";

    // MySQL evaluates SET left to right with the new values; PostgreSQL and SQLite use the old
    // ones throughout. Assigning the sender's read_seq before last_seq gives old+1 on all three.
    private static final String APPEND = """
            UPDATE sessions SET %1$s = last_seq + 1, last_seq = last_seq + 1, updated_at = :now,
                patient_change_seq = :patientChange, doctor_change_seq = :doctorChange,
                patient_name = COALESCE(:patientName, patient_name)
            WHERE session_id = :id""";

    static final String LAST_SEQ = "SELECT last_seq FROM sessions WHERE session_id = :id";

    private static final String MARK_READ = """
            UPDATE sessions SET %1$s = :seq, patient_change_seq = :patientChange, doctor_change_seq = :doctorChange
            WHERE session_id = :id AND %1$s < :seq""";

    private static final String DELETE_UP_TO_LAST = "UPDATE sessions SET %s = last_seq WHERE session_id = :id";

    private static final String ROW_SELECT = "SELECT " + SessionRow.SELECT_LIST + """
             FROM sessions s
            LEFT JOIN doctors d ON d.doctor_id = s.doctor_id
            LEFT JOIN messages m ON m.session_id = s.session_id AND m.seq = s.last_seq""";

    private static final String LISTED = ROW_SELECT + " WHERE s.%1$s = :user AND s.last_seq > s.%2$s%3$s";

    private static final String KEYSET =
            " AND (s.updated_at < :updatedAt OR (s.updated_at = :updatedAt AND s.session_id < :sessionId))";

    private final Database db;

    SessionRepository(Database db) {
        this.db = db;
    }

    Optional<StoredSession> find(String sessionId) {
        return db.read().sql(BY_ID).param("id", sessionId).query(StoredSession::map).optional();
    }

    Optional<StoredSession> findByPair(String patientId, String doctorId) {
        return db.read().sql(BY_PAIR).param("patient", patientId).param("doctor", doctorId)
                .query(StoredSession::map).optional();
    }

    /** Inside a write: sees this transaction's own changes. */
    Optional<StoredSession> findForWrite(String sessionId) {
        return db.write().sql(BY_ID).param("id", sessionId).query(StoredSession::map).optional();
    }

    Optional<StoredSession> findByPairForWrite(String patientId, String doctorId) {
        return db.write().sql(BY_PAIR).param("patient", patientId).param("doctor", doctorId)
                .query(StoredSession::map).optional();
    }

    /** Opens the session unless a concurrent request just did; the unique pair decides. */
    void insertIfAbsent(String sessionId, String patientId, String patientName, String doctorId, long now) {
        db.write().sql(db.dialect().insertIfAbsent(INSERT)).param("id", sessionId).param("patient", patientId)
                .param("name", patientName).param("doctor", doctorId).param("now", now).update();
    }

    /**
     * Takes the next seq under the session row's lock, moves the sender's read_seq to it and
     * records both users' change counters. Returns the new seq.
     */
    long append(String sessionId, Side sender, String patientName, long now, long patientChange, long doctorChange) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", sessionId);
        params.put("now", now);
        params.put("patientChange", patientChange);
        params.put("doctorChange", doctorChange);
        params.put("patientName", patientName);
        return db.updateReturning(APPEND.formatted(sender.col("read_seq")), "last_seq", LAST_SEQ, params);
    }

    boolean markRead(String sessionId, Side side, long seq, long patientChange, long doctorChange) {
        return db.write().sql(MARK_READ.formatted(side.col("read_seq"))).param("id", sessionId).param("seq", seq)
                .param("patientChange", patientChange).param("doctorChange", doctorChange).update() > 0;
    }

    void deleteUpToLast(String sessionId, Side side) {
        db.write().sql(DELETE_UP_TO_LAST.formatted(side.col("deleted_seq"))).param("id", sessionId).update();
    }

    /** Visible sessions of a user, newest update first, after the (updated_at, session_id) key when given. */
    List<SessionRow> listVisible(Side side, String userId, Long beforeUpdatedAt, String beforeSessionId, int limit) {
        JdbcClient.StatementSpec spec = db.read().sql(listSql(side, beforeUpdatedAt != null)).param("user", userId).param("limit", limit);
        if (beforeUpdatedAt != null) {
            spec = spec.param("updatedAt", beforeUpdatedAt).param("sessionId", beforeSessionId);
        }
        return spec.query(SessionRow::map).list();
    }

    /** Visible sessions of a user whose change counter passed {@code after}, oldest change first. */
    List<SessionRow> changedSince(Side side, String userId, long after, int limit) {
        return db.read().sql(changedSql(side)).param("user", userId).param("after", after).param("limit", limit)
                .query(SessionRow::map).list();
    }

    static String listSql(Side side, boolean keyset) {
        return LISTED.formatted(side.col("id"), side.col("deleted_seq"), keyset ? KEYSET : "")
                + " ORDER BY s.updated_at DESC, s.session_id DESC LIMIT :limit";
    }

    static String changedSql(Side side) {
        return LISTED.formatted(side.col("id"), side.col("deleted_seq"), " AND s." + side.col("change_seq") + " > :after")
                + " ORDER BY s." + side.col("change_seq") + " ASC LIMIT :limit";
    }
}
