package io.medmsg.chat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.medmsg.auth.Caller;
import io.medmsg.config.MedMsgProperties;
import io.medmsg.files.LinkBase;
import io.medmsg.realtime.ChangeHub;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;

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
    /** What a poll refused for too many held ones is told to wait: long enough not to be a loop. */
    static final Duration RETRY_HELD = Duration.ofSeconds(5);

    private final ChatReader reader;
    private final ChangeHub hub;
    private final KnownSessions known;
    private final Executor afterWake = Executors.newVirtualThreadPerTaskExecutor();
    /** Polls waiting on a mark right now: {@code medmsg_polls_held}. */
    private final AtomicInteger held = new AtomicInteger();
    /** Polls held right now per user ("patient:p1"); a user without any has no entry. */
    private final ConcurrentMap<String, Integer> heldPerUser = new ConcurrentHashMap<>();
    private final int maxHeldPerUser;

    LongPoll(ChatReader reader, ChangeHub hub, KnownSessions known, MedMsgProperties properties, MeterRegistry meters) {
        this.reader = reader;
        this.hub = hub;
        this.known = known;
        this.maxHeldPerUser = properties.limits().heldPollsPerUser();
        Gauge.builder("medmsg.polls.held", held, AtomicInteger::get)
                .description("long-polls (new_msg, new_session with wait) held on this instance").register(meters);
    }

    /** Answers at once: {@code wait} is 0. */
    Envelope<Views.NewMessages> newMsgNow(Caller caller, ChatReader.SessionRef ref, long afterSeq, int limit,
            LinkBase base) {
        return new NewMsg(caller, ref, afterSeq, limit, 0, base).answerNow();
    }

    Envelope<Views.SessionChanges> newSessionNow(Caller caller, String cursor, LinkBase base) {
        return new NewSession(caller, cursor, 0, base).answerNow();
    }

    CompletableFuture<Envelope<Views.NewMessages>> newMsg(Caller caller, ChatReader.SessionRef ref, long afterSeq,
            int limit, int wait, LinkBase base) {
        return new NewMsg(caller, ref, afterSeq, limit, wait, base).answer(caller);
    }

    CompletableFuture<Envelope<Views.SessionChanges>> newSession(Caller caller, String cursor, int wait, LinkBase base) {
        return new NewSession(caller, cursor, wait, base).answer(caller);
    }

    /**
     * Takes one of the user's places for a held poll, or refuses the poll at once: past
     * {@code medmsg.limits.held-polls-per-user} one client could otherwise hold the instance's
     * connections and memory for everyone (issue 16: 2,000 polls of one token). Per instance.
     */
    private void takePlace(String user) {
        boolean[] taken = {false};
        heldPerUser.compute(user, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxHeldPerUser) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "at most " + maxHeldPerUser
                    + " long-polls of one user may be held at once; answer or end one first", RETRY_HELD);
        }
    }

    private void freePlace(String user) {
        heldPerUser.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static String userOf(Caller caller) {
        return caller.side().wire() + ":" + caller.id();
    }

    /** What one attempt at a poll came to. */
    private sealed interface Outcome<T> {
    }

    private record Answered<T>(T answer) implements Outcome<T> {
    }

    /**
     * Nothing new up to {@code after}: wait until the mark of {@code key} passes it, then attempt
     * again from there; {@code nothingNew} is the answer if the wait ends first.
     */
    private record Hold<T>(String key, long after, Supplier<T> nothingNew) implements Outcome<T> {
    }

    /**
     * One poll: an attempt from a position either answers or holds; a hold ends in another
     * attempt from where it held when the mark passed, else in its nothing-new answer. Each
     * attempt gets its position as an argument, so a woken attempt depends on nothing but its hold.
     */
    private abstract class Held<T> {
        final long deadline;
        final LinkBase base;

        Held(int waitSeconds, LinkBase base) {
            this.deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
            this.base = base;
        }

        abstract Outcome<T> attempt(long after);

        /** Where the first attempt starts. */
        abstract long start();

        boolean timeLeft() {
            return deadline - System.nanoTime() > 0;
        }

        T answerNow() {
            return switch (attempt(start())) {
                case Answered<T>(T answer) -> answer;
                case Hold<T> hold -> hold.nothingNew().get();
            };
        }

        /**
         * A poll that would be held takes one of its user's places first, and gives it back when it
         * is answered, however: a change, the end of its wait, or the service stopping.
         */
        CompletableFuture<T> answer(Caller caller) {
            Outcome<T> first = attempt(start());
            if (!(first instanceof Hold<T>) || !timeLeft()) {
                return settle(first);
            }
            String user = userOf(caller);
            takePlace(user);
            CompletableFuture<T> answer;
            try {
                answer = settle(first);
            } catch (RuntimeException e) {
                freePlace(user);
                throw e;
            }
            answer.whenComplete((done, failed) -> freePlace(user));
            return answer;
        }

        private CompletableFuture<T> settle(Outcome<T> outcome) {
            return switch (outcome) {
                case Answered<T>(T answer) -> CompletableFuture.completedFuture(answer);
                case Hold<T> hold -> {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        yield CompletableFuture.completedFuture(hold.nothingNew().get());
                    }
                    held.incrementAndGet();
                    yield hub.whenPassed(hold.key(), hold.after(), Duration.ofNanos(left))
                            .whenComplete((passed, failure) -> held.decrementAndGet())
                            .thenComposeAsync(passed -> passed ? settle(attempt(hold.after()))
                                    : CompletableFuture.completedFuture(hold.nothingNew().get()), afterWake);
                }
            };
        }
    }

    private final class NewMsg extends Held<Envelope<Views.NewMessages>> {
        final Caller caller;
        final Side side;
        final ChatReader.SessionRef ref;
        final long afterSeq;
        final int limit;

        NewMsg(Caller caller, ChatReader.SessionRef ref, long afterSeq, int limit, int wait, LinkBase base) {
            super(wait, base);
            this.caller = caller;
            this.side = caller.side();
            this.ref = ref;
            this.afterSeq = afterSeq;
            this.limit = limit;
        }

        @Override
        long start() {
            return afterSeq;
        }

        /** {@code after}: nothing is visible to the caller up to there. */
        @Override
        Outcome<Envelope<Views.NewMessages>> attempt(long after) {
            String known = knownSession(caller, side, ref);
            if (known != null) {
                String key = ChangeHub.sessionKey(known);
                long mark = hub.mark(key);
                // exactly at the mark: nothing new, the idle poll. Past it, the client is ahead of
                // what this instance knows: the database says whether it is right (else a 400)
                if (mark >= 0 && mark == after) {
                    return hold(known, after, mark);
                }
            }
            StoredSession s = reader.resolve(caller, side, ref);
            learn(s);
            Views.NewMessages page = reader.newMsg(side, s, afterSeq, limit, base);
            if (!page.list().isEmpty() || !timeLeft()) {
                return new Answered<>(Envelope.ok(page));
            }
            // nothing visible up to last_seq (or the caller's deletion point): wait for the next one
            return hold(s.sessionId(), Math.max(after, page.lastSeq()), page.lastSeq());
        }

        /** {@code lastSeq}: the session's last_seq as seen, for an answer with nothing new. */
        private Hold<Envelope<Views.NewMessages>> hold(String sessionId, long after, long lastSeq) {
            String key = ChangeHub.sessionKey(sessionId);
            return new Hold<>(key, after, () -> Envelope.ok(
                    new Views.NewMessages(sessionId, List.of(), Math.max(lastSeq, hub.mark(key)), false)));
        }
    }

    private final class NewSession extends Held<Envelope<Views.SessionChanges>> {
        final Caller caller;
        final String cursor;
        final Long after;
        final String key;

        NewSession(Caller caller, String cursor, int wait, LinkBase base) {
            super(wait, base);
            this.caller = caller;
            this.cursor = cursor;
            this.after = cursor == null ? null : reader.changeSeqOf(caller, cursor);
            this.key = ChangeHub.userKey(caller.side(), caller.id());
        }

        @Override
        long start() {
            return after == null ? -1 : after;
        }

        /** {@code seen}: no change of the caller's up to there is missing from the cursor. */
        @Override
        Outcome<Envelope<Views.SessionChanges>> attempt(long seen) {
            long mark = hub.mark(key);
            if (after != null && mark >= 0 && mark <= seen) {
                return hold(seen);
            }
            ChatReader.Changes changes = reader.newSession(caller, after, base);
            hub.advance(key, changes.counter());
            if (after == null || !changes.view().list().isEmpty() || !timeLeft()) {
                return new Answered<>(Envelope.ok(changes.view()));
            }
            return hold(Math.max(seen, changes.counter()));
        }

        private Hold<Envelope<Views.SessionChanges>> hold(long seen) {
            return new Hold<>(key, seen, () -> Envelope.ok(new Views.SessionChanges(List.of(), cursor)));
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
