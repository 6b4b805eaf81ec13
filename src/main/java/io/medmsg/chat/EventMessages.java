package io.medmsg.chat;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.medmsg.events.MessageSource;

/** The messages of {@code message.created} events, as the dispatcher sends them (no download links). */
@Component
class EventMessages implements MessageSource {

    private final MessageRepository messages;
    private final MessageRenderer renderer;

    EventMessages(MessageRepository messages, MessageRenderer renderer) {
        this.messages = messages;
        this.renderer = renderer;
    }

    @Override
    public Map<String, Rendered> messages(Collection<String> msgIds) {
        Map<String, Rendered> rendered = new HashMap<>();
        for (StoredMessage m : messages.findAll(msgIds)) {
            rendered.put(m.msgId(), rendered(m));
        }
        return rendered;
    }

    private Rendered rendered(StoredMessage m) {
        return new Rendered(renderer.messageForEvent(m), m.consultationId());
    }
}
