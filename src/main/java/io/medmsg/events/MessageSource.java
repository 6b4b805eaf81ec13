package io.medmsg.events;

import java.util.Collection;
import java.util.Map;

/**
 * The port through which the dispatcher reads the messages of {@code message.created} events when
 * it sends them, a run's at once: implemented by the module that owns messages, so that this module
 * never depends on it. The message is rendered as API.md §2 shows it, but resources carry no download link.
 */
public interface MessageSource {

    /** The messages of a run of deliveries, read at once, by msg id; those that do not exist are not in the map. */
    Map<String, Rendered> messages(Collection<String> msgIds);

    /** A message as the event's {@code data.message}, and the consultation it belongs to. */
    record Rendered(Object message, String consultationId) {
    }
}
