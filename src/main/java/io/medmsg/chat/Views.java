package io.medmsg.chat;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.swagger.v3.oas.annotations.media.Schema;

import io.medmsg.records.AuditFacts;

/**
 * The JSON shapes of API.md section 2 that the chat endpoints answer with. Those that show or
 * change a session's content say so for their audit record ({@link AuditFacts}). Every field is
 * always written; {@code @Schema(nullable = true)} marks those that may be null, for the OpenAPI
 * document (a nullable object is referred to through allOf, where a bare $ref could not say so).
 */
final class Views {

    private Views() {
    }

    record Resource(String fileId, String fileName, String mimeType, long size, @Schema(nullable = true) String url,
            @Schema(nullable = true) Long urlExpiresAt) {
    }

    /** {@code card} and {@code event} are JSON as stored, written out as they are. */
    record Message(String msgId, String sessionId, long seq,
            @Schema(allowableValues = {"patient", "doctor", "system"}) String senderRole,
            String senderId,
            @Schema(allowableValues = {"text", "image", "voice", "video", "file", "card", "system", "recall", "recalled"})
            String msgType,
            @Schema(nullable = true) String consultationId,
            @Schema(implementation = Card.class, nullable = true, schemaResolution = Schema.SchemaResolution.ALL_OF_REF)
            @JsonRawValue String card,
            @Schema(implementation = Event.class, nullable = true, schemaResolution = Schema.SchemaResolution.ALL_OF_REF)
            @JsonRawValue String event,
            @Schema(nullable = true) String text,
            @Schema(nullable = true, schemaResolution = Schema.SchemaResolution.ALL_OF_REF) Resource resource,
            @Schema(nullable = true) String recalledMsgId,
            @Schema(nullable = true) String clientMsgId,
            long createdAt) {
    }

    record Session(String sessionId, String patientId,
            @Schema(nullable = true) String patientName,
            DoctorSummary doctor,
            long lastSeq,
            @Schema(nullable = true, schemaResolution = Schema.SchemaResolution.ALL_OF_REF) Message lastMsg,
            long unreadCount, long readSeq, long peerReadSeq,
            @Schema(nullable = true, schemaResolution = Schema.SchemaResolution.ALL_OF_REF) Consultation consultation,
            long createdAt, long updatedAt) {
    }

    record Consultation(String consultationId, String sessionId, String patientId, String doctorId,
            @Schema(allowableValues = {"waiting", "active", "closed", "cancelled", "expired"}) String status,
            @Schema(nullable = true) String orderNo,
            String kind,
            @Schema(nullable = true) Integer roundsLimit,
            int roundsUsed, long acceptDeadline,
            @Schema(nullable = true) Long endDeadline,
            long openedAt,
            @Schema(nullable = true) Long acceptedAt,
            @Schema(nullable = true) Long closedAt,
            @Schema(nullable = true, allowableValues = {"doctor", "patient_cancel", "timeout", "accept_timeout", "admin"})
            String closeReason,
            long firstSeq,
            @Schema(nullable = true) Long lastSeq) {
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

    record ConsultationPage(java.util.List<Consultation> list, @Schema(nullable = true) String nextCursor) {
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
    record SessionPage(java.util.List<Session> list, @Schema(nullable = true) String nextCursor) implements AuditFacts {
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
