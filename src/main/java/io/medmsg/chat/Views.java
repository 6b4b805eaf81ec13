package io.medmsg.chat;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** The JSON shapes of API.md section 2 that the chat endpoints answer with. */
final class Views {

    private Views() {
    }

    record Resource(String fileId, String fileName, String mimeType, long size, String url, Long urlExpiresAt) {
    }

    /** {@code card} and {@code event} are JSON as stored, written out as they are. */
    record Message(String msgId, String sessionId, long seq, String senderRole, String senderId, String msgType,
            String consultationId, @JsonRawValue String card, @JsonRawValue String event, String text,
            Resource resource, String recalledMsgId, String clientMsgId, long createdAt) {
    }

    record Session(String sessionId, String patientId, String patientName, DoctorSummary doctor, long lastSeq,
            Message lastMsg, long unreadCount, long readSeq, long peerReadSeq, Consultation consultation,
            long createdAt, long updatedAt) {
    }

    record Consultation(String consultationId, String sessionId, String patientId, String doctorId, String status,
            String orderNo, String kind, Integer roundsLimit, int roundsUsed, long acceptDeadline, Long endDeadline,
            long openedAt, Long acceptedAt, Long closedAt, String closeReason, long firstSeq, Long lastSeq) {
    }

    record OneConsultation(Consultation consultation) {
    }

    record Opened(String sessionId, Consultation consultation) {
    }

    record ConsultationPage(java.util.List<Consultation> list, String nextCursor) {
    }

    /** The {@code event} of a system message. */
    record Event(String type, Consultation consultation) {
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
