package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
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

    // Each side's state has its own columns (patient_read_seq, doctor_read_seq …), so a statement
    // that touches one side's columns is written out once per side, and the SQL read here is the
    // SQL that runs; bySide picks the caller's.

    // MySQL evaluates SET left to right with the new values; PostgreSQL and SQLite use the old
    // ones throughout. Assigning the sender's read_seq before last_seq gives old+1 on all three.
    //
    // A message of the patient or the doctor passes the session's consultation gate (the c_*
    // columns, kept by ConsultationService) in the statement that takes its seq, under the row's
    // lock: a patient's while a consultation is open, before its deadline and within its rounds
    // (and counts one round); a doctor's while it is active and before its deadline. Anything else
    // changes no row and goes to ConsultationService, which decides under the same lock;
    // :admitted = 1 is its way through once it has.
    private static final String ROUND_BY_PATIENT = """
            UPDATE sessions SET patient_read_seq = last_seq + 1, last_seq = last_seq + 1, updated_at = :now,
                patient_change_seq = :patientChange, doctor_change_seq = :doctorChange,
                patient_name = COALESCE(:patientName, patient_name),
                c_rounds_used = c_rounds_used + CASE WHEN c_status IS NULL THEN 0 ELSE 1 END
            WHERE session_id = :id AND (:admitted = 1 OR (c_status IS NOT NULL AND c_due_at > :now
                AND (c_rounds_limit IS NULL OR c_rounds_used < c_rounds_limit)))""";

    private static final String REPLY_BY_DOCTOR = """
            UPDATE sessions SET doctor_read_seq = last_seq + 1, last_seq = last_seq + 1, updated_at = :now,
                patient_change_seq = :patientChange, doctor_change_seq = :doctorChange,
                patient_name = COALESCE(:patientName, patient_name)
            WHERE session_id = :id AND (:admitted = 1 OR (c_status = 'active' AND c_due_at > :now))""";

    // Recalls: no gate, no round.
    private static final String APPEND_BY_PATIENT = """
            UPDATE sessions SET patient_read_seq = last_seq + 1, last_seq = last_seq + 1, updated_at = :now,
                patient_change_seq = :patientChange, doctor_change_seq = :doctorChange,
                patient_name = COALESCE(:patientName, patient_name)
            WHERE session_id = :id AND :admitted = 1""";

    private static final String APPEND_BY_DOCTOR = """
            UPDATE sessions SET doctor_read_seq = last_seq + 1, last_seq = last_seq + 1, updated_at = :now,
                patient_change_seq = :patientChange, doctor_change_seq = :doctorChange,
                patient_name = COALESCE(:patientName, patient_name)
            WHERE session_id = :id AND :admitted = 1""";

    // System messages and the hospital's notices move neither side's read_seq.
    private static final String APPEND_BY_SYSTEM = """
            UPDATE sessions SET last_seq = last_seq + 1, updated_at = :now,
                patient_change_seq = :patientChange, doctor_change_seq = :doctorChange,
                patient_name = COALESCE(:patientName, patient_name)
            WHERE session_id = :id AND :admitted = 1""";

    /** The seq a message took and the consultation it belongs to (the open one, or none). */
    static final String TAKEN = """
            last_seq, CASE WHEN c_status IS NULL THEN NULL ELSE c_id END AS open_id,
            last_seq - CASE WHEN patient_read_seq > patient_deleted_seq THEN patient_read_seq
                ELSE patient_deleted_seq END AS patient_unread,
            last_seq - CASE WHEN doctor_read_seq > doctor_deleted_seq THEN doctor_read_seq
                ELSE doctor_deleted_seq END AS doctor_unread""";

    private static final String TAKEN_AFTER = "SELECT " + TAKEN + " FROM sessions WHERE session_id = :id";

    /**
     * Each writer's UPDATE where the script that runs it has just bumped both change counters
     * ({@link ScriptedAppend}): their new values are read back from the rows the transaction holds
     * instead of bound, with {@code :patientRole} and {@code :doctorRole} naming the rows' roles.
     */
    private static final Map<Writer, String> READING_COUNTERS = new EnumMap<>(Writer.class);

    static {
        for (Writer writer : Writer.values()) {
            READING_COUNTERS.put(writer, statementOf(writer)
                    .replace(":patientChange", "(SELECT change_seq FROM user_changes"
                            + " WHERE role = :patientRole AND user_id = sessions.patient_id)")
                    .replace(":doctorChange", "(SELECT change_seq FROM user_changes"
                            + " WHERE role = :doctorRole AND user_id = sessions.doctor_id)"));
        }
    }

    private static final String LOCK = "SELECT " + StoredSession.COLUMNS + " FROM sessions WHERE session_id = :id";

    /** The rows of a batch's appends, locked after their counters ({@link AppendBatch}). */
    static final String LOCK_ALL = "SELECT " + StoredSession.COLUMNS
            + " FROM sessions WHERE session_id IN (:sessionIds) FOR UPDATE";

    private static final String OPEN_GATE = """
            UPDATE sessions SET c_id = :cid, c_status = 'waiting', c_rounds_used = 0, c_rounds_limit = :roundsLimit,
                c_due_at = :dueAt
            WHERE session_id = :id AND c_status IS NULL""";

    private static final String ACCEPT_GATE = """
            UPDATE sessions SET c_status = 'active', c_due_at = :dueAt
            WHERE session_id = :id AND c_id = :cid AND c_status = 'waiting'""";

    private static final String CLOSE_GATE = """
            UPDATE sessions SET c_status = NULL, c_due_at = NULL, c_closed_at = :now
            WHERE session_id = :id AND c_id = :cid AND c_status IS NOT NULL""";

    private static final String MARK_READ_BY_PATIENT = """
            UPDATE sessions SET patient_read_seq = :seq, patient_change_seq = :patientChange, doctor_change_seq = :doctorChange
            WHERE session_id = :id AND patient_read_seq < :seq""";

    private static final String MARK_READ_BY_DOCTOR = """
            UPDATE sessions SET doctor_read_seq = :seq, patient_change_seq = :patientChange, doctor_change_seq = :doctorChange
            WHERE session_id = :id AND doctor_read_seq < :seq""";

    private static final String DELETE_UP_TO_LAST_BY_PATIENT =
            "UPDATE sessions SET patient_deleted_seq = last_seq WHERE session_id = :id";

    private static final String DELETE_UP_TO_LAST_BY_DOCTOR =
            "UPDATE sessions SET doctor_deleted_seq = last_seq WHERE session_id = :id";

    private static final String ROW_SELECT = "SELECT " + SessionRow.SELECT_LIST + """
             FROM sessions s
            LEFT JOIN doctors d ON d.doctor_id = s.doctor_id
            LEFT JOIN messages m ON m.session_id = s.session_id AND m.seq = s.last_seq
            """ + SessionRow.JOIN_CONSULTATION;

    // The visible sessions of a user, newest update first; the next pages continue after the
    // (updated_at, session_id) key of the last one.
    private static final String LIST_OF_PATIENT = ROW_SELECT + """

            WHERE s.patient_id = :user AND s.last_seq > s.patient_deleted_seq
            ORDER BY s.updated_at DESC, s.session_id DESC LIMIT :limit""";

    private static final String LIST_OF_DOCTOR = ROW_SELECT + """

            WHERE s.doctor_id = :user AND s.last_seq > s.doctor_deleted_seq
            ORDER BY s.updated_at DESC, s.session_id DESC LIMIT :limit""";

    private static final String NEXT_PAGE_OF_PATIENT = ROW_SELECT + """

            WHERE s.patient_id = :user AND s.last_seq > s.patient_deleted_seq
                AND (s.updated_at < :updatedAt OR (s.updated_at = :updatedAt AND s.session_id < :sessionId))
            ORDER BY s.updated_at DESC, s.session_id DESC LIMIT :limit""";

    private static final String NEXT_PAGE_OF_DOCTOR = ROW_SELECT + """

            WHERE s.doctor_id = :user AND s.last_seq > s.doctor_deleted_seq
                AND (s.updated_at < :updatedAt OR (s.updated_at = :updatedAt AND s.session_id < :sessionId))
            ORDER BY s.updated_at DESC, s.session_id DESC LIMIT :limit""";

    // The visible sessions of a user whose change counter passed :after, oldest change first.
    private static final String CHANGED_FOR_PATIENT = ROW_SELECT + """

            WHERE s.patient_id = :user AND s.last_seq > s.patient_deleted_seq AND s.patient_change_seq > :after
            ORDER BY s.patient_change_seq ASC LIMIT :limit""";

    private static final String CHANGED_FOR_DOCTOR = ROW_SELECT + """

            WHERE s.doctor_id = :user AND s.last_seq > s.doctor_deleted_seq AND s.doctor_change_seq > :after
            ORDER BY s.doctor_change_seq ASC LIMIT :limit""";

    private final Database db;
    /** {@link #INSERT} as this database skips a row whose key exists: chosen once, by the Dialect. */
    private final String insertIfAbsent;

    SessionRepository(Database db) {
        this.db = db;
        this.insertIfAbsent = db.dialect().insertIfAbsent(INSERT);
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
        db.write().sql(insertIfAbsent).param("id", sessionId).param("patient", patientId)
                .param("name", patientName).param("doctor", doctorId).param("now", now).update();
    }

    /** Who appends, which picks the statement: the gate and the read pointer it moves. */
    enum Writer {
        /** a patient's message: gated, counts a round */
        PATIENT_ROUND,
        /** a doctor's message: gated */
        DOCTOR_REPLY,
        /** a recall by the patient or the doctor: no gate */
        PATIENT, DOCTOR,
        /** a system message or a notice of the hospital: no gate, no read pointer */
        SYSTEM;

        static Writer message(Side side) {
            return side == Side.PATIENT ? PATIENT_ROUND : DOCTOR_REPLY;
        }

        static Writer recall(Side side) {
            return side == Side.PATIENT ? PATIENT : DOCTOR;
        }
    }

    /**
     * The seq a message took, its consultation (null when none is open), and each side's unread
     * count after it (StoredSession#unreadCount).
     */
    record Taken(long seq, String consultationId, long patientUnread, long doctorUnread) {

        long unread(Side side) {
            return Math.max(0, side == Side.PATIENT ? patientUnread : doctorUnread);
        }
    }

    /**
     * Takes the next seq under the session row's lock, moves the writer's read_seq to it and
     * records both users' change counters. Empty when a gated writer did not pass the session's
     * consultation gate (nothing changed) and {@code admitted} is false.
     */
    Optional<Taken> append(String sessionId, Writer writer, String patientName, long now, long patientChange,
            long doctorChange, boolean admitted) {
        return db.updateReturningRow(statementOf(writer), TAKEN, TAKEN_AFTER,
                appendParams(sessionId, patientName, now, patientChange, doctorChange, admitted), (rs, n) -> taken(rs));
    }

    /** {@link #append}'s UPDATE alone, for a script of several ({@link AppendBatch}); its parameters {@link #appendParams}. */
    static String appendStatement(Writer writer) {
        return statementOf(writer);
    }

    static Map<String, Object> appendParams(String sessionId, String patientName, long now, long patientChange,
            long doctorChange, boolean admitted) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", sessionId);
        params.put("now", now);
        params.put("patientChange", patientChange);
        params.put("doctorChange", doctorChange);
        params.put("patientName", patientName);
        params.put("admitted", admitted ? 1 : 0);
        return params;
    }

    /** The {@link #TAKEN} columns of a row. */
    static Taken taken(ResultSet rs) throws SQLException {
        return new Taken(rs.getLong("last_seq"), rs.getString("open_id"), rs.getLong("patient_unread"),
                rs.getLong("doctor_unread"));
    }

    /** {@link #append}'s UPDATE for a script that bumped both counters just before it. */
    static String appendReadingCounters(Writer writer) {
        return READING_COUNTERS.get(writer);
    }

    private static String statementOf(Writer writer) {
        return switch (writer) {
            case PATIENT_ROUND -> ROUND_BY_PATIENT;
            case DOCTOR_REPLY -> REPLY_BY_DOCTOR;
            case PATIENT -> APPEND_BY_PATIENT;
            case DOCTOR -> APPEND_BY_DOCTOR;
            case SYSTEM -> APPEND_BY_SYSTEM;
        };
    }

    /** The session row, locked until commit (after both change counters: the one lock order). */
    Optional<StoredSession> lock(String sessionId) {
        return db.write().sql(db.dialect().lockingRead(LOCK)).param("id", sessionId).query(StoredSession::map).optional();
    }

    void openGate(String sessionId, String consultationId, Integer roundsLimit, long dueAt) {
        gate(OPEN_GATE, sessionId, consultationId).param("roundsLimit", roundsLimit).param("dueAt", dueAt).update();
    }

    void acceptGate(String sessionId, String consultationId, long dueAt) {
        gate(ACCEPT_GATE, sessionId, consultationId).param("dueAt", dueAt).update();
    }

    void closeGate(String sessionId, String consultationId, long now) {
        gate(CLOSE_GATE, sessionId, consultationId).param("now", now).update();
    }

    private JdbcClient.StatementSpec gate(String sql, String sessionId, String consultationId) {
        return db.write().sql(sql).param("id", sessionId).param("cid", consultationId);
    }

    boolean markRead(String sessionId, Side side, long seq, long patientChange, long doctorChange) {
        return db.write().sql(bySide(side, MARK_READ_BY_PATIENT, MARK_READ_BY_DOCTOR)).param("id", sessionId).param("seq", seq)
                .param("patientChange", patientChange).param("doctorChange", doctorChange).update() > 0;
    }

    void deleteUpToLast(String sessionId, Side side) {
        db.write().sql(bySide(side, DELETE_UP_TO_LAST_BY_PATIENT, DELETE_UP_TO_LAST_BY_DOCTOR)).param("id", sessionId).update();
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
        return keyset ? bySide(side, NEXT_PAGE_OF_PATIENT, NEXT_PAGE_OF_DOCTOR) : bySide(side, LIST_OF_PATIENT, LIST_OF_DOCTOR);
    }

    static String changedSql(Side side) {
        return bySide(side, CHANGED_FOR_PATIENT, CHANGED_FOR_DOCTOR);
    }

    /** The statement for that side's columns. */
    static String bySide(Side side, String patient, String doctor) {
        return side == Side.PATIENT ? patient : doctor;
    }
}
