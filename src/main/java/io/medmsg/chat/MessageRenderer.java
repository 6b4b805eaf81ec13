package io.medmsg.chat;

import org.springframework.stereotype.Component;

import io.medmsg.files.FileLink;
import io.medmsg.files.FileService;
import io.medmsg.files.LinkBase;
import io.medmsg.files.StoredFile;
import io.medmsg.shared.Side;

/**
 * Turns stored rows into the views of API.md: a recalled message loses its content here. File
 * links start with the {@link LinkBase} of the request being answered, passed in by the caller.
 */
@Component
class MessageRenderer {

    private final FileService files;

    MessageRenderer(FileService files) {
        this.files = files;
    }

    /** For an event sent out (API.md §5): as {@link #message}, but a resource carries no download link. */
    Views.Message messageForEvent(StoredMessage m) {
        return message(m, null);
    }

    Views.Message message(StoredMessage m, LinkBase base) {
        if (m == null) {
            return null;
        }
        if (m.recalled()) {
            return new Views.Message(m.msgId(), m.sessionId(), m.seq(), m.senderRole(), m.senderId(),
                    MessageType.RECALLED.wire(), m.consultationId(), null, null, null, null, null, m.clientMsgId(),
                    m.createdAt());
        }
        return new Views.Message(m.msgId(), m.sessionId(), m.seq(), m.senderRole(), m.senderId(), m.type().wire(),
                m.consultationId(), m.card(), m.event(), m.text(), resource(m, base), m.recalledMsgId(), m.clientMsgId(),
                m.createdAt());
    }

    Views.Session session(SessionRow row, Side side, LinkBase base) {
        StoredSession s = row.session();
        return new Views.Session(s.sessionId(), s.patientId(), s.patientName(), row.doctor(), s.lastSeq(),
                message(row.last(), base), s.unreadCount(side), s.readSeq(side), s.readSeq(side.peer()),
                row.consultation() == null ? null : row.consultation().view(), s.createdAt(), s.updatedAt());
    }

    /**
     * Signs a fresh download link at read time. Every caller of the renderer has checked that the
     * reader is a party of the session, which is who may download a file sent into it.
     */
    private Views.Resource resource(StoredMessage m, LinkBase base) {
        if (m.fileId() == null) {
            return null;
        }
        if (base == null) {
            return new Views.Resource(m.fileId(), m.fileName(), m.mimeType(), m.fileSize(), null, null);
        }
        // the message keeps the file's metadata; files are immutable once ready, so no lookup is needed
        FileLink link = files.downloadLink(new StoredFile(m.fileId(), m.senderId(), m.fileName(), m.mimeType(),
                m.fileSize()), base);
        return new Views.Resource(m.fileId(), m.fileName(), m.mimeType(), m.fileSize(), link.url(), link.expiresAt());
    }
}
