package io.medmsg.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.medmsg.files.LinkBase;
import io.medmsg.shared.Side;

/**
 * What an event stream has missed since an event id. An event id is a value of the reader's
 * change counter (see {@link ChangeCounters}): a {@code message} event carries the value its
 * message gave the reader, a {@code session} event the value of the session's latest change when
 * that change was not a message (a read pointer moved). Because the counter orders a user's
 * changes by commit, "everything after id N" is exact, from the database, on any instance.
 */
@Component
class EventFeed {

    /** More than this many missed events and the client is told to reload instead. */
    static final int MAX_EVENTS = 1000;
    private static final int PAGE = 100;

    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final ChangeCounters counters;
    private final MessageRenderer renderer;

    EventFeed(SessionRepository sessions, MessageRepository messages, ChangeCounters counters,
            MessageRenderer renderer) {
        this.sessions = sessions;
        this.messages = messages;
        this.counters = counters;
        this.renderer = renderer;
    }

    record Event(long id, String name, Object data) {
    }

    /** The events after {@code after}, and the counter as read before them (what to wait past next). */
    record Batch(List<Event> events, long counter) {
    }

    long current(Side side, String userId) {
        return counters.current(side, userId);
    }

    Batch since(Side side, String userId, long after, LinkBase base) {
        long counter = counters.current(side, userId);
        List<Event> events = new ArrayList<>();
        long pageAfter = after;
        while (true) {
            List<SessionRow> page = sessions.changedSince(side, userId, pageAfter, PAGE);
            for (SessionRow row : page) {
                collect(side, row, after, base, events);
            }
            if (events.size() > MAX_EVENTS) {
                // too far behind to replay one by one: tell the client to reload its lists
                return new Batch(List.of(new Event(counter, "resync", Map.of("reason", "too many missed events"))), counter);
            }
            if (page.size() < PAGE) {
                break;
            }
            pageAfter = page.get(page.size() - 1).session().changeSeq(side);
        }
        events.sort(Comparator.comparingLong(Event::id));
        return new Batch(events, counter);
    }

    private void collect(Side side, SessionRow row, long after, LinkBase base, List<Event> events) {
        StoredSession s = row.session();
        List<MessageRepository.Change> changes = messages.changedSince(s.sessionId(), side, s.deletedSeq(side), after,
                MAX_EVENTS + 1);
        for (MessageRepository.Change c : changes) {
            events.add(new Event(c.changeSeq(), "message", new Views.Sent(s.sessionId(), renderer.message(c.message(), base))));
        }
        long latest = s.changeSeq(side);
        if (changes.isEmpty() || changes.get(changes.size() - 1).changeSeq() != latest) {
            events.add(new Event(latest, "session", renderer.session(row, side, base)));
        }
    }
}
