package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;

import io.medmsg.shared.Side;

/**
 * A row of {@code messages}, content included even when recalled (the view hides it). {@code card}
 * and {@code event} are JSON as stored (card messages, system messages).
 */
record StoredMessage(String msgId, String sessionId, long seq, String senderRole, String senderId, MessageType type,
        String text, String fileId, String fileName, String mimeType, Long fileSize, String recalledMsgId,
        boolean recalled, String clientMsgId, long createdAt, String consultationId, String card, String event) {

    static final String SYSTEM = "system";

    StoredMessage withSeq(long newSeq) {
        return new StoredMessage(msgId, sessionId, newSeq, senderRole, senderId, type, text, fileId, fileName, mimeType,
                fileSize, recalledMsgId, recalled, clientMsgId, createdAt, consultationId, card, event);
    }

    StoredMessage withConsultation(String id) {
        return new StoredMessage(msgId, sessionId, seq, senderRole, senderId, type, text, fileId, fileName, mimeType,
                fileSize, recalledMsgId, recalled, clientMsgId, createdAt, id, card, event);
    }

    static final String COLUMNS = """
            msg_id, session_id, seq, sender_role, sender_id, msg_type, text, file_id, file_name, mime_type,
            file_size, recalled_msg_id, recalled, client_msg_id, created_at, consultation_id, card, event""";

    static StoredMessage map(ResultSet rs, int row) throws SQLException {
        return read(rs, "");
    }

    /** Reads the columns named {@code prefix + column}; null when the row has none (outer join). */
    static StoredMessage read(ResultSet rs, String prefix) throws SQLException {
        String id = rs.getString(prefix + "msg_id");
        if (id == null) {
            return null;
        }
        long size = rs.getLong(prefix + "file_size");
        Long fileSize = rs.wasNull() ? null : size;
        return new StoredMessage(id, rs.getString(prefix + "session_id"), rs.getLong(prefix + "seq"),
                rs.getString(prefix + "sender_role"), rs.getString(prefix + "sender_id"),
                MessageType.fromWire(rs.getString(prefix + "msg_type")), rs.getString(prefix + "text"),
                rs.getString(prefix + "file_id"), rs.getString(prefix + "file_name"), rs.getString(prefix + "mime_type"),
                fileSize, rs.getString(prefix + "recalled_msg_id"), rs.getInt(prefix + "recalled") != 0,
                rs.getString(prefix + "client_msg_id"), rs.getLong(prefix + "created_at"),
                rs.getString(prefix + "consultation_id"), rs.getString(prefix + "card"), rs.getString(prefix + "event"));
    }

    boolean sentBy(Side side, String userId) {
        return senderRole.equals(side.wire()) && senderId.equals(userId);
    }

    /** Whether a resend with the same client_msg_id carries the same content. */
    boolean sameContent(MessageType otherType, String otherText, String otherFileId, String otherCard) {
        return type == otherType && java.util.Objects.equals(text, otherText)
                && java.util.Objects.equals(fileId, otherFileId) && java.util.Objects.equals(card, otherCard);
    }
}
