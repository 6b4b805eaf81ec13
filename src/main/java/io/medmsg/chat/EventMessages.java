package io.medmsg.chat;

import java.util.Optional;

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
    public Optional<Rendered> message(String msgId) {
        return messages.find(msgId).map(m -> new Rendered(renderer.messageForEvent(m), m.consultationId()));
    }
}
