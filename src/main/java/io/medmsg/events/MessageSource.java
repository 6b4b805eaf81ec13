package io.medmsg.events;

import java.util.Optional;

/**
 * The port through which the dispatcher reads the message of a {@code message.created} event when
 * it sends it: implemented by the module that owns messages, so that this module never depends on
 * it. The message is rendered as API.md §2 shows it, but resources carry no download link.
 */
public interface MessageSource {

    /** The message and its consultation id (or null), or empty when there is no such message. */
    Optional<Rendered> message(String msgId);

    /** A message as the event's {@code data.message}, and the consultation it belongs to. */
    record Rendered(Object message, String consultationId) {
    }
}
