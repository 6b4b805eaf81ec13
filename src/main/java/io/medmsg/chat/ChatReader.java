package io.medmsg.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.springframework.stereotype.Service;

import io.medmsg.auth.Caller;
import io.medmsg.files.LinkBase;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;

/**
 * The read side of the chat: session lists, the new_session change feed and message pages.
 * Every read first checks that the caller is a party of the session (else the 404 of a missing one)
 * and shows only what the caller's deletion point leaves visible.
 */
@Service
class ChatReader {

    static final int MAX_CHANGES = 100;

    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final ChangeCounters counters;
    private final MessageRenderer renderer;
    private final Cursors cursors;

    ChatReader(SessionRepository sessions, MessageRepository messages, ChangeCounters counters,
            MessageRenderer renderer, Cursors cursors) {
        this.sessions = sessions;
        this.messages = messages;
        this.counters = counters;
        this.renderer = renderer;
        this.cursors = cursors;
    }

    /** A session to read from: a patient may name the doctor instead of the session. */
    record SessionRef(String sessionId, String doctorId) {
    }

    Views.SessionPage sessionList(Caller caller, String cursor, int limit, LinkBase base) {
        Side side = caller.side();
        Long updatedAt = null;
        String sessionId = null;
        if (cursor != null) {
            String[] key = cursors.verify("list", side, caller.id(), cursor).split(":", 2);
            updatedAt = Long.parseLong(key[0]);
            sessionId = key[1];
        }
        List<SessionRow> rows = sessions.listVisible(side, caller.id(), updatedAt, sessionId, limit + 1);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            StoredSession last = rows.get(limit - 1).session();
            next = cursors.issue("list", side, caller.id(), last.updatedAt() + ":" + last.sessionId());
        }
        return new Views.SessionPage(render(rows, side, base), next);
    }

    /** Without a cursor: the newest session and a cursor from now on. With one: what changed since. */
    /** A page of new_session and the user's change counter as read just before it. */
    record Changes(Views.SessionChanges view, long counter) {
    }

    /**
     * Without a cursor ({@code after} null): the newest session and a cursor from now on. With one:
     * every visible session changed since, oldest change first. The counter is read before the
     * sessions, so it never claims more than the page shows.
     */
    Changes newSession(Caller caller, Long after, LinkBase base) {
        Side side = caller.side();
        long counter = counters.current(side, caller.id());
        if (after == null) {
            List<SessionRow> newest = sessions.listVisible(side, caller.id(), null, null, 1);
            return new Changes(new Views.SessionChanges(render(newest, side, base), changeCursor(side, caller.id(), counter)),
                    counter);
        }
        List<SessionRow> changed = sessions.changedSince(side, caller.id(), after, MAX_CHANGES);
        long last = changed.isEmpty() ? after : changed.get(changed.size() - 1).session().changeSeq(side);
        return new Changes(new Views.SessionChanges(render(changed, side, base), changeCursor(side, caller.id(), last)),
                counter);
    }

    long changeSeqOf(Caller caller, String cursor) {
        Side side = caller.side();
        String value = cursors.verify("changes", side, caller.id(), cursor);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("a signed cursor holds no number", e);
        }
    }

    String changeCursor(Side side, String userId, long changeSeq) {
        return cursors.issue("changes", side, userId, Long.toString(changeSeq));
    }

    Views.MessagePage msgList(Caller caller, SessionRef ref, Long beforeSeq, int limit, LinkBase base) {
        Side side = caller.side();
        StoredSession s = resolve(caller, side, ref);
        long before = beforeSeq == null ? s.lastSeq() + 1 : beforeSeq;
        List<StoredMessage> rows = messages.before(s.sessionId(), s.deletedSeq(side), before, limit + 1);
        boolean hasMore = rows.size() > limit;
        List<StoredMessage> page = new ArrayList<>(hasMore ? rows.subList(0, limit) : rows);
        Collections.reverse(page);
        return new Views.MessagePage(s.sessionId(), page.stream().map(m -> renderer.message(m, base)).toList(), hasMore);
    }

    /** Messages after {@code afterSeq} of a session already resolved for this caller. */
    Views.NewMessages newMsg(Side side, StoredSession s, long afterSeq, int limit, LinkBase base) {
        if (afterSeq > s.lastSeq()) {
            // no answer ever gave such a position: a client bug, refused at once rather than held
            // for a message that would not be the next one anyway
            throw ApiException.badParameter("after_seq must not be beyond the session's last_seq (" + s.lastSeq() + ")");
        }
        List<StoredMessage> rows = messages.after(s.sessionId(), Math.max(afterSeq, s.deletedSeq(side)), limit + 1);
        boolean hasMore = rows.size() > limit;
        List<StoredMessage> page = hasMore ? rows.subList(0, limit) : rows;
        long lastSeq = Math.max(s.lastSeq(), page.isEmpty() ? 0 : page.get(page.size() - 1).seq());
        return new Views.NewMessages(s.sessionId(), page.stream().map(m -> renderer.message(m, base)).toList(), lastSeq,
                hasMore);
    }

    StoredSession resolve(Caller caller, Side side, SessionRef ref) {
        if (ref.sessionId() != null) {
            MessageRules.id("session_id", ref.sessionId());
            return ChatService.partyOf(sessions.find(ref.sessionId()).orElse(null), side, caller.id());
        }
        if (side == Side.PATIENT && ref.doctorId() != null) {
            MessageRules.id("doctor_id", ref.doctorId());
            return sessions.findByPair(caller.id(), ref.doctorId()).orElseThrow(() -> ApiException.notFound("session"));
        }
        throw ApiException.badParameter(side == Side.PATIENT ? "session_id or doctor_id is required" : "session_id is required");
    }

    private List<Views.Session> render(List<SessionRow> rows, Side side, LinkBase base) {
        return rows.stream().map(r -> renderer.session(r, side, base)).toList();
    }
}
