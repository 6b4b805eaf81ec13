package io.medmsg.realtime;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.medmsg.shared.Side;

/**
 * In-memory high-water marks and the requests waiting on them. A mark is a counter that only
 * grows: a session's last_seq, or a user's change counter. Marks are a cache of the database,
 * never the truth: an unknown mark means "ask the database", and every value learned is merged
 * with max, so a slow reader can never move a mark back.
 *
 * <p>Waking never blocks the writer: {@link #advance} completes futures and returns.
 */
@Component
public class ChangeHub implements SmartLifecycle {

    private final ConcurrentMap<String, AtomicLong> marks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** Key of a session's last_seq mark. */
    public static String sessionKey(String sessionId) {
        return "s:" + sessionId;
    }

    /** Key of a user's change-counter mark. */
    public static String userKey(Side side, String userId) {
        return "u:" + side.wire() + ":" + userId;
    }

    /** A change committed on this instance: move the marks of the session and of both parties. */
    @EventListener
    void on(SessionChanged change) {
        advance(sessionKey(change.sessionId()), change.lastSeq());
        advance(userKey(Side.PATIENT, change.patientId()), change.patientChangeSeq());
        advance(userKey(Side.DOCTOR, change.doctorId()), change.doctorChangeSeq());
    }

    /** The known mark, or -1 when this instance has not learned it yet. */
    public long mark(String key) {
        AtomicLong mark = marks.get(key);
        return mark == null ? -1 : mark.get();
    }

    /** Records a value read from the database (or told by another instance); wakes whoever it passes. */
    public void advance(String key, long value) {
        long now = marks.computeIfAbsent(key, k -> new AtomicLong(-1)).accumulateAndGet(value, Math::max);
        Set<Waiter> set = waiters.get(key);
        if (set != null) {
            for (Waiter w : set) {
                if (now > w.after) {
                    w.future.complete(Boolean.TRUE);
                }
            }
        }
    }

    /**
     * Completes with true when the mark passes {@code after}, with false when the timeout ends
     * or the service shuts down. Holds no thread: a held long-poll costs only this future and
     * its request, which is what lets one instance hold many thousands. The future completes on
     * the thread that advanced the mark (or a timer's), so whatever follows must be quick or
     * asynchronous. A waiter that gives up (its client went away) cancels the future: that takes
     * it off the key at once instead of at its timeout.
     */
    public CompletableFuture<Boolean> whenPassed(String key, long after, Duration timeout) {
        if (!running) {
            return CompletableFuture.completedFuture(false);
        }
        Waiter w = new Waiter(after);
        // compute() is atomic per key, so a set is never dropped while a waiter is being added to it
        waiters.compute(key, (k, set) -> {
            Set<Waiter> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(w);
            return s;
        });
        w.future.whenComplete((passed, failure) -> waiters.computeIfPresent(key, (k, set) -> {
            set.remove(w);
            return set.isEmpty() ? null : set;
        }));
        // registered first, checked second: an advance between the two is seen by one of them
        if (mark(key) > after) {
            w.future.complete(Boolean.TRUE);
        } else {
            w.future.completeOnTimeout(Boolean.FALSE, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return w.future;
    }

    /**
     * Forgets every mark and wakes every held request, which then asks the database. For when
     * this instance may have missed changes made by another one (the cross-instance channel was
     * down, or overflowed): a forgotten mark is "unknown", never "nothing new".
     */
    public void forgetAll() {
        marks.clear();
        waiters.values().forEach(set -> set.forEach(w -> w.future.complete(Boolean.TRUE)));
    }

    /** How many requests are held right now (tests). */
    public int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * How many requests are held on one key. Tests wait on this rather than on {@link #waiting()}:
     * requests of other keys may leave meanwhile, so a total can stand still while theirs arrives.
     */
    public int waiting(String key) {
        Set<Waiter> set = waiters.get(key);
        return set == null ? 0 : set.size();
    }

    @Override
    public void start() {
        running = true;
    }

    /** Answers every held request at once, so that shutdown does not wait out their timeouts. */
    @Override
    public void stop() {
        running = false;
        waiters.values().forEach(set -> set.forEach(w -> w.future.complete(Boolean.FALSE)));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stop before the web server's graceful shutdown starts waiting for requests
        return Integer.MAX_VALUE;
    }

    private static final class Waiter {
        final long after;
        final CompletableFuture<Boolean> future = new CompletableFuture<>();

        Waiter(long after) {
            this.after = after;
        }
    }
}
