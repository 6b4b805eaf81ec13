package io.medmsg.records;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where the export reads a consultation: implemented by chat, which owns consultations and
 * messages (so records depends on nothing of chat's, and chat may call {@link Audit}).
 */
public interface ConsultationSource {

    /**
     * The consultation with its parties, its messages (recalled ones with their original content,
     * which the record keeps) and signed links for their files, built for the links of
     * {@code request}; empty when there is no such consultation.
     */
    Optional<Exported> export(String consultationId, HttpServletRequest request);

    /**
     * One consultation as the export needs it. {@code own} is MedMsg's own JSON of it
     * ({@code consultation}, {@code messages}, {@code files}), for {@code format=json}.
     */
    record Exported(String consultationId, String sessionId, String patientId, String patientName, String doctorId,
            String doctorName, String status, String kind, String orderNo, long openedAt, Long acceptedAt,
            Long closedAt, List<Message> messages, Object own) {
    }

    /**
     * A message of the consultation. {@code type} is what was sent (text, image, voice, video,
     * file, card, system, recall), also for a recalled one ({@code recalled} true).
     */
    record Message(String msgId, long seq, String senderRole, String senderId, String type, boolean recalled,
            String text, String card, String event, Attachment attachment, String recalledMsgId, long createdAt) {
    }

    record Attachment(String fileId, String fileName, String mimeType, long size, String url) {
    }
}
