package io.medmsg.chat;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;
import io.medmsg.db.ManyRows;
import io.medmsg.shared.Side;

/** SQL of the {@code messages} table. Rows are inserted and flagged, never deleted. */
@Repository
class MessageRepository {

    /** The columns a new message fills, in the order of the VALUES of every insert. */
    static final String INSERT_INTO = """
            INSERT INTO messages (msg_id, session_id, seq, sender_role, sender_id, msg_type, text, file_id, file_name,
                mime_type, file_size, recalled_msg_id, recalled, client_msg_id, created_at, patient_change_seq,
                doctor_change_seq, consultation_id, card, event)
            """;

    /**
     * {@link #INSERT_INTO}'s values for a message appended by one statement or script: its own as
     * parameters, its seq, both change counters and its consultation from the session row just
     * updated (columns {@code last_seq}, {@code patient_change_seq}, {@code doctor_change_seq},
     * {@code c_id}), to which the caller adds the FROM.
     */
    static final String VALUES_OF_APPENDED = """
            SELECT :msgId, :sessionId, last_seq, :senderRole, :senderId, :type, :text, :fileId, :fileName, :mimeType,
                :fileSize, :recalledMsgId, 0, :clientMsgId, :createdAt, patient_change_seq, doctor_change_seq, c_id,
                :card, :event
            """;

    /** One row of {@link #INSERT_INTO}'s values, for a message whose seq, counters and consultation are known. */
    private static final String ROW = """
            (:msgId, :sessionId, :seq, :senderRole, :senderId, :type, :text, :fileId, :fileName, :mimeType,
                :fileSize, :recalledMsgId, 0, :clientMsgId, :createdAt, :patientChange, :doctorChange, :consultationId,
                :card, :event)""";

    private static final String INSERT = INSERT_INTO + "VALUES " + ROW;

    static final String BY_CLIENT_MSG_ID = "SELECT " + StoredMessage.COLUMNS + """
             FROM messages
            WHERE session_id = :sessionId AND sender_role = :role AND sender_id = :sender AND client_msg_id = :cmid""";

    static final String BY_ID = "SELECT " + StoredMessage.COLUMNS
            + " FROM messages WHERE msg_id = :msgId AND session_id = :sessionId";

    /** Messages by their ids (the messages of a run of webhook deliveries). */
    static final String BY_MSG_IDS = "SELECT " + StoredMessage.COLUMNS + " FROM messages WHERE msg_id IN (:msgIds)";

    static final String BEFORE = "SELECT " + StoredMessage.COLUMNS + """
             FROM messages WHERE session_id = :sessionId AND seq > :floor AND seq < :before
            ORDER BY seq DESC LIMIT :limit""";

    /** A consultation's messages: its seq range, in order. */
    static final String BETWEEN = "SELECT " + StoredMessage.COLUMNS + """
             FROM messages WHERE session_id = :sessionId AND seq >= :fromSeq AND seq <= :toSeq
            ORDER BY seq ASC""";

    static final String AFTER = "SELECT " + StoredMessage.COLUMNS + """
             FROM messages WHERE session_id = :sessionId AND seq > :after
            ORDER BY seq ASC LIMIT :limit""";

    // Within a session the counters grow with seq, so this is a suffix of the session; the scan
    // runs only when an event stream resumes, never on the hot path. One statement per side: each
    // side has its own counter column.
    static final String CHANGED_SINCE_FOR_PATIENT = "SELECT patient_change_seq AS change_seq, " + StoredMessage.COLUMNS + """
             FROM messages WHERE session_id = :sessionId AND seq > :floor AND patient_change_seq > :after
            ORDER BY seq ASC LIMIT :limit""";

    static final String CHANGED_SINCE_FOR_DOCTOR = "SELECT doctor_change_seq AS change_seq, " + StoredMessage.COLUMNS + """
             FROM messages WHERE session_id = :sessionId AND seq > :floor AND doctor_change_seq > :after
            ORDER BY seq ASC LIMIT :limit""";

    private static final String MARK_RECALLED = "UPDATE messages SET recalled = 1 WHERE msg_id = :msgId AND recalled = 0";

    private final Database db;

    MessageRepository(Database db) {
        this.db = db;
    }

    /** Inserts a message with the change counter values its transaction gave the two parties. */
    void insert(StoredMessage m, long patientChange, long doctorChange) {
        db.write().sql(INSERT).params(row(new Inserted(m, patientChange, doctorChange))).update();
    }

    /** A message to insert, with the change counter values its transaction gave the two parties. */
    record Inserted(StoredMessage message, long patientChange, long doctorChange) {
    }

    /**
     * One INSERT of all the messages, for a script of the caller's ({@link AppendBatch}), their
     * values bound into {@code params} (tagged {@code m}).
     */
    static String insertAll(List<Inserted> inserted, Map<String, Object> params) {
        for (int i = 0; i < inserted.size(); i++) {
            ManyRows.bind("m", params, i, row(inserted.get(i)));
        }
        return INSERT_INTO + "VALUES " + ManyRows.repeat("m", ROW, inserted.size(), ", ");
    }

    private static Map<String, Object> row(Inserted i) {
        Map<String, Object> values = content(i.message());
        values.put("seq", i.message().seq());
        values.put("patientChange", i.patientChange());
        values.put("doctorChange", i.doctorChange());
        values.put("consultationId", i.message().consultationId());
        return values;
    }

    /**
     * What a message carries from its sender, by parameter name: every column of
     * {@link #INSERT_INTO} but seq and the counters. A mutable map, so that callers may add those.
     */
    static Map<String, Object> content(StoredMessage m) {
        Map<String, Object> values = new HashMap<>();
        values.put("msgId", m.msgId());
        values.put("sessionId", m.sessionId());
        values.put("senderRole", m.senderRole());
        values.put("senderId", m.senderId());
        values.put("type", m.type().wire());
        values.put("text", m.text());
        values.put("fileId", m.fileId());
        values.put("fileName", m.fileName());
        values.put("mimeType", m.mimeType());
        values.put("fileSize", m.fileSize());
        values.put("recalledMsgId", m.recalledMsgId());
        values.put("clientMsgId", m.clientMsgId());
        values.put("createdAt", m.createdAt());
        values.put("card", m.card());
        values.put("event", m.event());
        return values;
    }

    Optional<StoredMessage> findByClientMsgId(String sessionId, Side side, String senderId, String clientMsgId) {
        return findByClientMsgId(sessionId, side.wire(), senderId, clientMsgId);
    }

    Optional<StoredMessage> findByClientMsgId(String sessionId, String senderRole, String senderId, String clientMsgId) {
        return db.write().sql(BY_CLIENT_MSG_ID).param("sessionId", sessionId).param("role", senderRole)
                .param("sender", senderId).param("cmid", clientMsgId).query(StoredMessage::map).optional();
    }

    /** The messages of these ids that exist, in no particular order (the outbox's events name them by id alone). */
    List<StoredMessage> findAll(Collection<String> msgIds) {
        return db.readIn(BY_MSG_IDS, "msgIds", msgIds, StoredMessage::map);
    }

    Optional<StoredMessage> findForWrite(String sessionId, String msgId) {
        return db.write().sql(BY_ID).param("msgId", msgId).param("sessionId", sessionId)
                .query(StoredMessage::map).optional();
    }

    /** Marks the message recalled; false when it already was (a concurrent recall won). */
    boolean markRecalled(String msgId) {
        return db.write().sql(MARK_RECALLED).param("msgId", msgId).update() > 0;
    }

    /** A message and the change counter value it gave the reader's side. */
    record Change(long changeSeq, StoredMessage message) {
    }

    /** Messages of a session that passed the reader's change counter {@code after}, oldest first. */
    List<Change> changedSince(String sessionId, Side side, long floor, long after, int limit) {
        return db.read().sql(SessionRepository.bySide(side, CHANGED_SINCE_FOR_PATIENT, CHANGED_SINCE_FOR_DOCTOR)).param("sessionId", sessionId)
                .param("floor", floor).param("after", after).param("limit", limit)
                .query((rs, n) -> new Change(rs.getLong("change_seq"), StoredMessage.map(rs, n))).list();
    }

    /** Up to {@code limit} messages with floor < seq < before, newest first. */
    List<StoredMessage> before(String sessionId, long floor, long before, int limit) {
        return db.read().sql(BEFORE).param("sessionId", sessionId).param("floor", floor).param("before", before)
                .param("limit", limit).query(StoredMessage::map).list();
    }

    /** Up to {@code limit} messages with seq > after, oldest first. */
    List<StoredMessage> between(String sessionId, long fromSeq, long toSeq) {
        return db.read().sql(BETWEEN).param("sessionId", sessionId).param("fromSeq", fromSeq).param("toSeq", toSeq)
                .query(StoredMessage::map).list();
    }

    List<StoredMessage> after(String sessionId, long after, int limit) {
        return db.read().sql(AFTER).param("sessionId", sessionId).param("after", after).param("limit", limit)
                .query(StoredMessage::map).list();
    }
}
