package io.medmsg.records;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.medmsg.db.Database;

@Repository
class AuditRepository {

    /** A record's columns but its id, in audit_records and audit_inbox alike. */
    private static final String FIELDS = """
            at_ms, actor_role, actor_id, action, session_id, consultation_id, seq_from, seq_to, file_id, request_id, ip,
                outcome""";

    // Requests write their records into the inbox (V8__audit_inbox.sql); moveInbox takes them on.
    private static final String INSERT = "INSERT INTO audit_inbox (" + FIELDS + """
            ) VALUES (:at, :actorRole, :actorId, :action, :sessionId, :consultationId, :seqFrom, :seqTo, :fileId,
                :requestId, :ip, :outcome)""";

    /** The record of an appended message, with the seq and consultation it was given; none if it is not there. */
    private static final String INSERT_FOR_MESSAGE = "INSERT INTO audit_inbox (" + FIELDS + """
            ) SELECT :at, :actorRole, :actorId, :action, session_id, consultation_id, seq, seq, file_id, :requestId,
                :ip, :outcome
              FROM messages WHERE msg_id = :msgId""";

    private static final String LOCK_MOVER = "SELECT name FROM audit_mover WHERE name = 'mover'";
    private static final String OLDEST_IN_INBOX = "SELECT inbox_id, " + FIELDS
            + " FROM audit_inbox ORDER BY inbox_id LIMIT :limit";
    private static final String FILE = "INSERT INTO audit_records (" + FIELDS + """
            ) VALUES (:at_ms, :actor_role, :actor_id, :action, :session_id, :consultation_id, :seq_from, :seq_to,
                :file_id, :request_id, :ip, :outcome)""";
    private static final String TAKE_FROM_INBOX = "DELETE FROM audit_inbox WHERE inbox_id = :inbox_id";
    // With one writer (SQLite) the move is three statements inside the database, whatever its size.
    private static final String LAST_OF_OLDEST = """
            SELECT MAX(inbox_id) FROM (SELECT inbox_id FROM audit_inbox ORDER BY inbox_id LIMIT :limit) oldest""";
    private static final String FILE_UP_TO = "INSERT INTO audit_records (" + FIELDS + ") SELECT " + FIELDS
            + " FROM audit_inbox WHERE inbox_id <= :upTo ORDER BY inbox_id";
    private static final String TAKE_UP_TO = "DELETE FROM audit_inbox WHERE inbox_id <= :upTo";
    /** The columns OLDEST_IN_INBOX reads, which FILE and TAKE_FROM_INBOX take as parameters. */
    private static final String[] COLUMNS = ("inbox_id, " + FIELDS).split("\\s*,\\s*");

    private static final String PAGE = "SELECT " + AuditRecord.COLUMNS + " FROM audit_records WHERE audit_id > :after";
    private static final String BY_ACTOR = " AND actor_id = :actorId";
    private static final String BY_SESSION = " AND session_id = :sessionId";
    private static final String BY_ACTION = " AND action = :action";
    private static final String FROM = " AND at_ms >= :from";
    private static final String TO = " AND at_ms < :to";
    /**
     * A patient's records: their own requests, and every request on one of their sessions (a
     * doctor's reads, the back end's notices).
     */
    private static final String BY_PATIENT = " " + """
            AND ((actor_role = 'patient' AND actor_id = :patientId)
                 OR session_id IN (SELECT session_id FROM sessions WHERE patient_id = :patientId))""";
    /** The last audit_id of the oldest {@code n} records older than the cutoff (MariaDB has no LIMIT in IN). */
    private static final String OLD_UP_TO = """
            SELECT MAX(audit_id) FROM (SELECT audit_id FROM audit_records WHERE at_ms < :cutoff
                                        ORDER BY audit_id LIMIT :limit) oldest""";
    private static final String DELETE_OLD = "DELETE FROM audit_records WHERE audit_id <= :upTo AND at_ms < :cutoff";
    private static final String ORDER = " ORDER BY audit_id LIMIT :limit";

    private final Database db;
    /** Whether this instance queued a record since the inbox was last moved. */
    private volatile boolean queuedSinceMove;

    AuditRepository(Database db) {
        this.db = db;
    }

    /**
     * Queues a record on the current transaction: the records of a transaction are inserted
     * together (two batched statements at most) just before it commits. A unit rolled back to its
     * savepoint leaves its queued records behind; the record of a message that is not there inserts
     * nothing, and a unit that only audits cannot fail.
     */
    void queue(AuditEntry e, long at, String msgId) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("audit records are written inside a transaction");
        }
        Queued queued = (Queued) TransactionSynchronizationManager.getResource(this);
        if (queued == null) {
            queued = new Queued();
            TransactionSynchronizationManager.bindResource(this, queued);
            TransactionSynchronizationManager.registerSynchronization(queued);
        }
        queuedSinceMove = true;
        Map<String, Object> p = params(e, at);
        if (msgId == null) {
            queued.plain.add(new MapSqlParameterSource(p));
        } else {
            p.put("msgId", msgId);
            queued.forMessages.add(new MapSqlParameterSource(p));
        }
    }

    /**
     * On the writer: moves the oldest {@code limit} records of the inbox into audit_records, in
     * the order they were written, and returns how many. The mover's row lock makes instances move
     * one at a time, and so the audit_id a move gives is higher than any given before it: a cursor
     * never skips a record that arrives later. Exactly the rows read are removed (by id), so a
     * record committed meanwhile by another instance waits for the next move.
     */
    int moveInbox(int limit) {
        queuedSinceMove = false;
        if (db.dialect().hasOneWriter()) {
            return moveUpTo(limit);
        }
        db.write().sql(db.dialect().lockingRead(LOCK_MOVER)).query(String.class).list();
        List<SqlParameterSource> rows = db.write().sql(db.dialect().lockingRead(OLDEST_IN_INBOX)).param("limit", limit)
                .query((rs, n) -> {
                    MapSqlParameterSource row = new MapSqlParameterSource();
                    for (String column : COLUMNS) {
                        row.addValue(column, rs.getObject(column));
                    }
                    return (SqlParameterSource) row;
                }).list();
        if (rows.isEmpty()) {
            return 0;
        }
        SqlParameterSource[] all = rows.toArray(SqlParameterSource[]::new);
        db.batchUpdate(FILE, all);
        db.batchUpdate(TAKE_FROM_INBOX, all);
        return all.length;
    }

    /**
     * The move where nothing else writes meanwhile: by range, without reading the records out
     * (a second's records held the writer, and every send waiting on it, for tens of ms).
     */
    private int moveUpTo(int limit) {
        // MAX of no rows is one row holding NULL
        List<Long> last = db.write().sql(LAST_OF_OLDEST).param("limit", limit).query(Long.class).list();
        Long upTo = last.isEmpty() ? null : last.get(0);
        if (upTo == null) {
            return 0;
        }
        int moved = db.write().sql(FILE_UP_TO).param("upTo", upTo).update();
        db.write().sql(TAKE_UP_TO).param("upTo", upTo).update();
        return moved;
    }

    boolean queuedSinceMove() {
        return queuedSinceMove;
    }

    /** A move that failed (rolled back) left its records in the inbox: the next tick moves them. */
    void moveFailed() {
        queuedSinceMove = true;
    }

    /** The records of one transaction, inserted before it commits. */
    private final class Queued implements TransactionSynchronization {
        final List<SqlParameterSource> plain = new ArrayList<>();
        final List<SqlParameterSource> forMessages = new ArrayList<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            insertAll(INSERT, plain, false);
            insertAll(INSERT_FOR_MESSAGE, forMessages, true);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(AuditRepository.this);
        }
    }

    private void insertAll(String sql, List<SqlParameterSource> rows, boolean select) {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            db.write().sql(sql).paramSource(rows.get(0)).update();
        } else {
            SqlParameterSource[] all = rows.toArray(SqlParameterSource[]::new);
            if (select) {
                db.batchInsertSelect(sql, all);
            } else {
                db.batchUpdate(sql, all);
            }
        }
        rows.clear();
    }

    private static Map<String, Object> params(AuditEntry e, long at) {
        Map<String, Object> p = new HashMap<>();
        p.put("at", at);
        p.put("actorRole", e.actorRole());
        p.put("actorId", e.actorId());
        p.put("action", e.action());
        p.put("sessionId", e.sessionId());
        p.put("consultationId", e.consultationId());
        p.put("seqFrom", e.seqFrom());
        p.put("seqTo", e.seqTo());
        p.put("fileId", e.fileId());
        p.put("requestId", e.requestId());
        p.put("ip", e.ip());
        p.put("outcome", e.outcome());
        return p;
    }

    record Removed(long count, long highestId) {
    }

    /** On the writer: up to about {@code limit} records older than {@code cutoff}, oldest first. */
    Removed deleteOlderThan(long cutoff, int limit) {
        Long upTo = db.write().sql(OLD_UP_TO).param("cutoff", cutoff).param("limit", limit).query(Long.class).optional()
                .orElse(null);
        if (upTo == null) {
            return new Removed(0, 0);
        }
        int count = db.write().sql(DELETE_OLD).param("upTo", upTo).param("cutoff", cutoff).update();
        return new Removed(count, upTo);
    }

    /** Up to {@code limit} records past {@code q.after()}, oldest first. */
    List<AuditRecord> page(AuditQuery q, int limit) {
        StringBuilder sql = new StringBuilder(PAGE);
        Map<String, Object> p = new HashMap<>();
        p.put("after", q.after());
        p.put("limit", limit);
        add(sql, p, BY_ACTOR, "actorId", q.actorId());
        add(sql, p, BY_PATIENT, "patientId", q.patientId());
        add(sql, p, BY_SESSION, "sessionId", q.sessionId());
        add(sql, p, BY_ACTION, "action", q.action());
        add(sql, p, FROM, "from", q.from());
        add(sql, p, TO, "to", q.to());
        sql.append(ORDER);
        return db.read().sql(sql.toString()).params(p).query(AuditRecord::map).list();
    }

    private static void add(StringBuilder sql, Map<String, Object> params, String clause, String name, Object value) {
        if (value != null) {
            sql.append(clause);
            params.put(name, value);
        }
    }
}
