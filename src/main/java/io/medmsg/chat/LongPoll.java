package io.medmsg.chat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import org.springframework.stereotype.Component;

import io.medmsg.auth.Caller;
import io.medmsg.realtime.ChangeHub;
import io.medmsg.shared.Side;
import io.medmsg.web.Envelope;

/**
 * new_msg and new_session, with {@code wait}. The idle poll — nothing new since the client's
 * position — is the hot path of every open app, so it is answered from memory when it can be:
 * who the parties of a session are never changes once known, and the high-water marks of
 * {@link ChangeHub} say whether anything happened. Anything else goes to the database, which
 * also teaches the marks.
 *
 * <p>A held request holds no thread: it is a future that {@link ChangeHub} completes when the
 * mark moves (or the wait ends), and the database read that follows runs on a fresh virtual
 * thread. A parked thread per held poll would cost its stack and everything its frames keep
 * alive — the security chain's included — for every open app.
 */
@Component
class LongPoll {

    static final int MAX_WAIT_SECONDS = 30;

    private final ChatReader reader;
    private final ChangeHub hub;
    private final KnownSessions known;
    private final Executor afterWake = Executors.newVirtualThreadPerTaskExecutor();

    LongPoll(ChatReader reader, ChangeHub hub, KnownSessions known) {
        this.reader = reader;
        this.hub = hub;
        this.known = known;
    }

    /** Answers at once: {@code wait} is 0. */
    Envelope<Views.NewMessages> newMsgNow(Caller caller, ChatReader.SessionRef ref, long afterSeq, int limit) {
        return new NewMsg(caller, ref, afterSeq, limit, 0).answerNow();
    }

    Envelope<Views.SessionChanges> newSessionNow(Caller caller, String cursor) {
        return new NewSession(caller, cursor, 0).answerNow();
    }

    CompletableFuture<Envelope<Views.NewMessages>> newMsg(Caller caller, ChatReader.SessionRef ref, long afterSeq,
            int limit, int wait) {
        return new NewMsg(caller, ref, afterSeq, limit, wait).answer();
    }

    CompletableFuture<Envelope<Views.SessionChanges>> newSession(Caller caller, String cursor, int wait) {
        return new NewSession(caller, cursor, wait).answer();
    }

    /**
     * One poll: {@link #attempt} either answers or names the mark to wait on; waiting ends in
     * another attempt when the mark passed, else in {@link #nothingNew}.
     */
    private abstract class Held<T> {
        final long deadline;
        String waitKey;
        long waitAfter;

        Held(int waitSeconds) {
            this.deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        }

        /** The answer, or null after setting {@link #waitKey} and {@link #waitAfter}. */
        abstract T attempt();

        abstract T nothingNew();

        boolean timeLeft() {
            return deadline - System.nanoTime() > 0;
        }

        T answerNow() {
            T answer = attempt();
            return answer != null ? answer : nothingNew();
        }

        CompletableFuture<T> answer() {
            T answer = attempt();
            if (answer != null) {
                return CompletableFuture.completedFuture(answer);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return CompletableFuture.completedFuture(nothingNew());
            }
            return hub.whenPassed(waitKey, waitAfter, Duration.ofNanos(left))
                    .thenComposeAsync(passed -> passed ? answer() : CompletableFuture.completedFuture(nothingNew()),
                            afterWake);
        }
    }

    private final class NewMsg extends Held<Envelope<Views.NewMessages>> {
        final Caller caller;
        final Side side;
        final ChatReader.SessionRef ref;
        final long afterSeq;
        final int limit;
        String sessionId;
        /** Nothing is visible to the caller up to here. */
        long after;
        /** The session's last_seq as last seen, for an answer with nothing new. */
        long lastSeq;

        NewMsg(Caller caller, ChatReader.SessionRef ref, long afterSeq, int limit, int wait) {
            super(wait);
            this.caller = caller;
            this.side = caller.side();
            this.ref = ref;
            this.afterSeq = afterSeq;
            this.limit = limit;
            this.after = afterSeq;
            this.sessionId = knownSession(caller, side, ref);
        }

        @Override
        Envelope<Views.NewMessages> attempt() {
            if (sessionId != null) {
                String key = ChangeHub.sessionKey(sessionId);
                long mark = hub.mark(key);
                if (mark >= 0 && mark <= after) {
                    lastSeq = mark;
                    waitKey = key;
                    waitAfter = after;
                    return null;
                }
            }
            StoredSession s = reader.resolve(caller, side, ref);
            learn(s);
            sessionId = s.sessionId();
            Views.NewMessages page = reader.newMsg(side, s, afterSeq, limit);
            if (!page.list().isEmpty() || !timeLeft()) {
                return Envelope.ok(page);
            }
            // nothing visible up to last_seq (or the caller's deletion point): wait for the next one
            after = Math.max(after, page.lastSeq());
            lastSeq = page.lastSeq();
            waitKey = ChangeHub.sessionKey(sessionId);
            waitAfter = after;
            return null;
        }

        @Override
        Envelope<Views.NewMessages> nothingNew() {
            return Envelope.ok(new Views.NewMessages(sessionId, List.of(), Math.max(lastSeq, hub.mark(waitKey)), false));
        }
    }

    private final class NewSession extends Held<Envelope<Views.SessionChanges>> {
        final Caller caller;
        final String cursor;
        final Long after;
        final String key;
        long seen;

        NewSession(Caller caller, String cursor, int wait) {
            super(wait);
            this.caller = caller;
            this.cursor = cursor;
            this.after = cursor == null ? null : reader.changeSeqOf(caller, cursor);
            this.key = ChangeHub.userKey(caller.side(), caller.id());
            this.seen = after == null ? -1 : after;
        }

        @Override
        Envelope<Views.SessionChanges> attempt() {
            long mark = hub.mark(key);
            if (after != null && mark >= 0 && mark <= seen) {
                waitKey = key;
                waitAfter = seen;
                return null;
            }
            ChatReader.Changes changes = reader.newSession(caller, after);
            hub.advance(key, changes.counter());
            if (after == null || !changes.view().list().isEmpty() || !timeLeft()) {
                return Envelope.ok(changes.view());
            }
            seen = Math.max(seen, changes.counter());
            waitKey = key;
            waitAfter = seen;
            return null;
        }

        @Override
        Envelope<Views.SessionChanges> nothingNew() {
            return Envelope.ok(new Views.SessionChanges(List.of(), cursor));
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
