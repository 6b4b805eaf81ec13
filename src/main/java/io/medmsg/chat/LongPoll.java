package io.medmsg.chat;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import io.medmsg.auth.Caller;
import io.medmsg.realtime.ChangeHub;
import io.medmsg.web.Envelope;

/**
 * new_msg and new_session, with {@code wait}. The idle poll — nothing new since the client's
 * position — is the hot path of every open app, so it is answered from memory when it can be:
 * who the parties of a session are never changes once known, and the high-water marks of
 * {@link ChangeHub} say whether anything happened. Anything else goes to the database, which
 * also teaches the marks. A held request blocks only its virtual thread, never a connection.
 */
@Component
class LongPoll {

    static final int MAX_WAIT_SECONDS = 30;

    private final ChatReader reader;
    private final ChangeHub hub;
    private final KnownSessions known;

    LongPoll(ChatReader reader, ChangeHub hub, KnownSessions known) {
        this.reader = reader;
        this.hub = hub;
        this.known = known;
    }

    Envelope<Views.NewMessages> newMsg(Caller caller, ChatReader.SessionRef ref, long afterSeq, int limit, int wait) {
        Side side = Side.of(caller);
        long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
        String sessionId = knownSession(caller, side, ref);
        long after = afterSeq;
        while (true) {
            if (sessionId != null) {
                String key = ChangeHub.sessionKey(sessionId);
                long mark = hub.mark(key);
                if (mark >= 0 && mark <= after) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !hub.await(key, after, Duration.ofNanos(left))) {
                        return Envelope.ok(new Views.NewMessages(sessionId, List.of(), Math.max(mark, hub.mark(key)), false));
                    }
                }
            }
            StoredSession s = reader.resolve(caller, side, ref);
            learn(s);
            sessionId = s.sessionId();
            Views.NewMessages page = reader.newMsg(side, s, afterSeq, limit);
            if (!page.list().isEmpty() || System.nanoTime() >= deadline) {
                return Envelope.ok(page);
            }
            // nothing visible up to last_seq (or the caller's deletion point): wait for the next one
            after = Math.max(after, page.lastSeq());
        }
    }

    Envelope<Views.SessionChanges> newSession(Caller caller, String cursor, int wait) {
        Long after = cursor == null ? null : reader.changeSeqOf(caller, cursor);
        String key = ChangeHub.userKey(Side.of(caller).wire(), caller.id());
        long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
        long waitAfter = after == null ? -1 : after;
        while (true) {
            long mark = hub.mark(key);
            if (after != null && mark >= 0 && mark <= waitAfter) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !hub.await(key, waitAfter, Duration.ofNanos(left))) {
                    return Envelope.ok(new Views.SessionChanges(List.of(), cursor));
                }
            }
            ChatReader.Changes changes = reader.newSession(caller, after);
            hub.advance(key, changes.counter());
            if (after == null || !changes.view().list().isEmpty() || System.nanoTime() >= deadline) {
                return Envelope.ok(changes.view());
            }
            waitAfter = Math.max(waitAfter, changes.counter());
        }
    }

    /** The session named, if this instance already knows it and the caller is its party. */
    private String knownSession(Caller caller, Side side, ChatReader.SessionRef ref) {
        KnownSessions.Parties parties = ref.sessionId() != null ? known.ofParty(ref.sessionId(), side, caller.id())
                : side == Side.PATIENT && ref.doctorId() != null ? known.ofPair(caller.id(), ref.doctorId())
                : null;
        return parties == null ? null : parties.sessionId();
    }

    private void learn(StoredSession s) {
        known.learn(KnownSessions.Parties.of(s));
        hub.advance(ChangeHub.sessionKey(s.sessionId()), s.lastSeq());
    }
}
