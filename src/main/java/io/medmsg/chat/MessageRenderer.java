package io.medmsg.chat;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Turns stored rows into the views of API.md: a recalled message loses its content here. */
@Component
class MessageRenderer {

    private final ObjectProvider<ResourceLinker> linker;

    MessageRenderer(ObjectProvider<ResourceLinker> linker) {
        this.linker = linker;
    }

    Views.Message message(StoredMessage m) {
        if (m == null) {
            return null;
        }
        if (m.recalled()) {
            return new Views.Message(m.msgId(), m.sessionId(), m.seq(), m.senderRole(), m.senderId(),
                    MessageType.RECALLED.wire(), null, null, null, m.clientMsgId(), m.createdAt());
        }
        return new Views.Message(m.msgId(), m.sessionId(), m.seq(), m.senderRole(), m.senderId(), m.type().wire(),
                m.text(), resource(m), m.recalledMsgId(), m.clientMsgId(), m.createdAt());
    }

    Views.Session session(SessionRow row, Side side) {
        StoredSession s = row.session();
        return new Views.Session(s.sessionId(), s.patientId(), s.patientName(), row.doctor(), s.lastSeq(),
                message(row.last()), s.unreadCount(side), s.readSeq(side), s.readSeq(side.peer()), s.createdAt(),
                s.updatedAt());
    }

    private Views.Resource resource(StoredMessage m) {
        if (m.fileId() == null) {
            return null;
        }
        ResourceLinker.Link link = linker.getObject().link(m.fileId(), m.fileName(), m.mimeType(), m.fileSize());
        return new Views.Resource(m.fileId(), m.fileName(), m.mimeType(), m.fileSize(), link.url(), link.expiresAt());
    }
}
