package io.medmsg.chat;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.medmsg.records.AuditFacts;

/**
 * The JSON shapes of API.md section 2 that the chat endpoints answer with. Those that show or
 * change a session's content say so for their audit record ({@link AuditFacts}).
 */
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

    record OneConsultation(Consultation consultation) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return consultation.sessionId();
        }

        @Override
        public String auditConsultationId() {
            return consultation.consultationId();
        }
    }

    record Opened(String sessionId, Consultation consultation) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return sessionId;
        }

        @Override
        public String auditConsultationId() {
            return consultation.consultationId();
        }
    }

    record ConsultationPage(java.util.List<Consultation> list, String nextCursor) {
    }

    /** The {@code event} of a system message. */
    record Event(String type, Consultation consultation) {
    }

    record Sent(String sessionId, Message message) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return sessionId;
        }

        @Override
        public String auditConsultationId() {
            return message.consultationId();
        }

        @Override
        public Long auditSeqFrom() {
            return message.seq();
        }

        @Override
        public Long auditSeqTo() {
            return message.seq();
        }

        @Override
        public String auditFileId() {
            return message.resource() == null ? null : message.resource().fileId();
        }
    }

    /** Many sessions: the record names none (the actor and the time say whose list it was). */
    record SessionPage(java.util.List<Session> list, String nextCursor) implements AuditFacts {
    }

    record SessionChanges(java.util.List<Session> list, String cursor) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return list.size() == 1 ? list.get(0).sessionId() : null;
        }

        @Override
        public boolean auditIdle() {
            return list.isEmpty();
        }
    }

    record MessagePage(String sessionId, java.util.List<Message> list, boolean hasMore) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return sessionId;
        }

        @Override
        public Long auditSeqFrom() {
            return list.isEmpty() ? null : list.get(0).seq();
        }

        @Override
        public Long auditSeqTo() {
            return list.isEmpty() ? null : list.get(list.size() - 1).seq();
        }
    }

    record NewMessages(String sessionId, java.util.List<Message> list, long lastSeq, boolean hasMore) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return sessionId;
        }

        @Override
        public Long auditSeqFrom() {
            return list.isEmpty() ? null : list.get(0).seq();
        }

        @Override
        public Long auditSeqTo() {
            return list.isEmpty() ? null : list.get(list.size() - 1).seq();
        }

        @Override
        public boolean auditIdle() {
            return list.isEmpty();
        }
    }

    record ReadState(String sessionId, long readSeq, long unreadCount) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return sessionId;
        }
    }

    record Deleted(String sessionId) implements AuditFacts {
        @Override
        public String auditSessionId() {
            return sessionId;
        }
    }
}
