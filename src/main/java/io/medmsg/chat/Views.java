package io.medmsg.chat;

/** The JSON shapes of API.md section 2 that the chat endpoints answer with. */
final class Views {

    private Views() {
    }

    record Resource(String fileId, String fileName, String mimeType, long size, String url, long urlExpiresAt) {
    }

    record Message(String msgId, String sessionId, long seq, String senderRole, String senderId, String msgType,
            String text, Resource resource, String recalledMsgId, String clientMsgId, long createdAt) {
    }

    record Session(String sessionId, String patientId, String patientName, DoctorSummary doctor, long lastSeq,
            Message lastMsg, long unreadCount, long readSeq, long peerReadSeq, long createdAt, long updatedAt) {
    }

    record Sent(String sessionId, Message message) {
    }

    record SessionPage(java.util.List<Session> list, String nextCursor) {
    }

    record SessionChanges(java.util.List<Session> list, String cursor) {
    }

    record MessagePage(String sessionId, java.util.List<Message> list, boolean hasMore) {
    }

    record NewMessages(String sessionId, java.util.List<Message> list, long lastSeq, boolean hasMore) {
    }

    record ReadState(String sessionId, long readSeq, long unreadCount) {
    }

    record Deleted(String sessionId) {
    }
}
