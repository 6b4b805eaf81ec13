package io.medmsg.events;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where SQLite's first attempts come from. With one instance and one writer, events commit in
 * {@code event_seq} order, so a cursor per endpoint that has passed an event never meets an
 * earlier one afterwards: the changes write only their event rows (no delivery row per endpoint
 * in the send's transaction), and the dispatcher takes each endpoint's next events after its
 * cursor as one step, sends them, then writes their delivery rows with the outcomes and moves the
 * cursor in one group commit. Fanning out at the send, then leasing and settling each row, cost
 * the sends about a third of their rate on SQLite (docs/benchmarks.md); on the servers, where
 * several instances commit out of {@code event_seq} order, the fan-out stays.
 *
 * <p>A step holds its endpoint until {@link #done}: the next begins after its rows are written, so
 * a session's events are never in two steps' flight at once.
 */
final class EventFeed {

    /** At most this many events in one step. */
    static final int STEP = 500;

    private final DeliveryRepository deliveries;
    private final Set<String> stepping = ConcurrentHashMap.newKeySet();

    /**
     * One endpoint's events after its cursor: those of its types, oldest first; the sessions among
     * them with a pending delivery to it (their events queue behind that one, unsent); and the last
     * event read, where the cursor moves once the step's rows are written.
     */
    record Step(String endpoint, List<Map<String, Object>> events, Set<String> queued, long last) {
    }

    EventFeed(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    /** The endpoint's next step, or null when it has no new events or a step of it is still going. */
    Step next(WebhookSettings.Endpoint endpoint, Map<String, Long> cursors) {
        String url = endpoint.url();
        Long cursor = cursors.get(url);
        if (cursor == null || !stepping.add(url)) {
            return null;
        }
        try {
            List<Map<String, Object>> read = deliveries.eventsAfter(cursor, STEP);
            if (read.isEmpty()) {
                stepping.remove(url);
                return null;
            }
            List<Map<String, Object>> events = read.stream().filter(e -> endpoint.events().contains((String) e.get("type")))
                    .toList();
            Set<String> queued = events.isEmpty() ? Set.of()
                    : deliveries.pendingSessions(url, events.stream().map(e -> (String) e.get("session_id")).distinct().toList());
            return new Step(url, events, queued, ((Number) read.getLast().get("event_seq")).longValue());
        } catch (RuntimeException e) {
            stepping.remove(url);
            throw e;
        }
    }

    /** The step is over, written or not (then its events are read and sent again). */
    void done(Step step) {
        stepping.remove(step.endpoint());
    }
}
