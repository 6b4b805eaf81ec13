package io.medmsg.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import io.medmsg.directory.Doctor;
import io.medmsg.directory.DoctorDirectory;
import io.medmsg.files.FileService;
import io.medmsg.files.LinkBase;
import io.medmsg.files.LinkBases;
import io.medmsg.files.StoredFile;
import io.medmsg.records.ConsultationSource;

/**
 * A consultation for the records export (API.md §6): its messages are those of its seq range
 * (from the system message that opened it to the one that ended it, or the session's last while
 * it is open), recalled ones with their original content.
 */
@Component
class ConsultationRecords implements ConsultationSource {

    private final ConsultationRepository consultations;
    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final DoctorDirectory doctors;
    private final MessageRenderer renderer;
    private final FileService files;
    private final LinkBases linkBases;

    ConsultationRecords(ConsultationRepository consultations, SessionRepository sessions, MessageRepository messages,
            DoctorDirectory doctors, MessageRenderer renderer, FileService files, LinkBases linkBases) {
        this.consultations = consultations;
        this.sessions = sessions;
        this.messages = messages;
        this.doctors = doctors;
        this.renderer = renderer;
        this.files = files;
        this.linkBases = linkBases;
    }

    @Override
    public Optional<Exported> export(String consultationId, HttpServletRequest request) {
        Optional<StoredConsultation> found = consultations.find(consultationId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StoredConsultation c = found.get();
        StoredSession session = sessions.find(c.sessionId()).orElseThrow();
        long last = c.lastSeq() != null ? c.lastSeq() : session.lastSeq();
        List<StoredMessage> rows = messages.between(c.sessionId(), c.firstSeq(), last);
        LinkBase base = linkBases.of(request);
        List<Message> exported = new ArrayList<>();
        List<Views.Message> own = new ArrayList<>();
        List<Views.Resource> ownFiles = new ArrayList<>();
        for (StoredMessage m : rows) {
            Attachment attachment = null;
            if (m.fileId() != null) {
                String url = files.downloadLink(new StoredFile(m.fileId(), m.senderId(), m.fileName(), m.mimeType(),
                        m.fileSize()), base).url();
                attachment = new Attachment(m.fileId(), m.fileName(), m.mimeType(), m.fileSize(), url);
            }
            exported.add(new Message(m.msgId(), m.seq(), m.senderRole(), m.senderId(), m.type().wire(), m.recalled(),
                    m.text(), m.card(), m.event(), attachment, m.recalledMsgId(), m.createdAt()));
            Views.Message view = renderer.message(m, base);
            own.add(view);
            if (!m.recalled() && view.resource() != null) {
                ownFiles.add(view.resource());
            }
        }
        String doctorName = doctors.find(c.doctorId()).map(Doctor::name).orElse(null);
        Map<String, Object> ownJson = new LinkedHashMap<>();
        ownJson.put("consultation", c.view());
        ownJson.put("messages", own);
        ownJson.put("files", ownFiles);
        return Optional.of(new Exported(c.consultationId(), c.sessionId(), c.patientId(), session.patientName(),
                c.doctorId(), doctorName, c.status(), c.kind(), c.orderNo(), c.openedAt(), c.acceptedAt(), c.closedAt(),
                exported, ownJson));
    }
}
