package io.medmsg.chat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.medmsg.auth.Caller;
import io.medmsg.config.MedMsgProperties;
import io.medmsg.files.LinkBase;
import io.medmsg.realtime.ChangeHub;
import io.medmsg.records.Audit;
import io.medmsg.records.AuditStamp;
import io.medmsg.shared.Side;

/**
 * Server-Sent Event streams. A stream holds no thread while it waits, as a held long-poll does
 * not ({@link LongPoll}): it is a future that {@link ChangeHub} completes when the caller's change
 * mark moves or the heartbeat is due, and what follows — reading what is new from {@link
 * EventFeed} and writing it — runs on a fresh virtual thread, one at a time per stream. Two
 * parked virtual threads and a queue per stream, as before, cost about 9 KB of heap each: 45 MB
 * for 5,000 streams (docs/benchmarks.md, realtime). A client that stops reading holds up only its
 * own stream: the write in progress fails at the server's idle timeout
 * ({@code server.jetty.connection-idle-timeout}), the stream is dropped, and nothing waits in
 * memory meanwhile (the client reconnects with Last-Event-ID and catches up from the database).
 * A sender never waits for a stream; it only moves a mark. The response is written on the
 * container's own async support ({@link EventWire}), not Spring MVC's emitter.
 */
@Component
class EventStreams {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    private final EventFeed feed;
    private final ChangeHub hub;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    /** Each user's open streams, oldest first; guarded by itself (opens and ends are rare). */
    private final Map<String, Deque<Stream>> byUser = new HashMap<>();
    private final int perUser;
    private final Duration heartbeat;
    private final Audit audit;
    private final JsonMapper json;
    /** Where a stream reads and writes after its wait; a thread exists only while there is work. */
    private final Executor turns = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sse-", 0).factory());

    EventStreams(EventFeed feed, ChangeHub hub, MedMsgProperties properties, MeterRegistry meters, Audit audit,
            JsonMapper json) {
        this.audit = audit;
        this.json = json;
        this.feed = feed;
        this.hub = hub;
        this.heartbeat = properties.realtime().heartbeat();
        this.perUser = properties.limits().streamsPerUser();
        Gauge.builder("medmsg.streams.open", open, Set::size).description("event streams open on this instance")
                .register(meters);
    }

    /** Open streams of one user (tests, and a look at who is connected). */
    long openStreamsOf(Side side, String userId) {
        return open.stream().filter(s -> s.side == side && s.userId.equals(userId)).count();
    }

    /**
     * Opens a stream that replays after {@code lastEventId} (or starts now) and ends at {@code
     * expiresAt}; its file links start with {@code base}, the opening request's.
     */
    void open(Caller caller, Long lastEventId, Instant expiresAt, LinkBase base, AuditStamp stamp,
            HttpServletRequest request, HttpServletResponse response) {
        Side side = caller.side();
        long start = lastEventId != null ? lastEventId : feed.current(side, caller.id());
        Duration lifetime = Duration.ofMillis(Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis()) + 5_000);
        Stream stream = new Stream(side, caller.id(), start, expiresAt, base, stamp);
        open.add(stream);
        List<Stream> evicted = admit(stream);
        try {
            stream.wire = EventWire.start(request, response, lifetime, json, stream);
        } catch (RuntimeException e) {
            stream.ended();
            throw e;
        }
        // Written here, on the request's thread, so the response commits before the filters that
        // wrap it unwind (Spring Security's writes its headers at the commit or when it unwinds,
        // whichever comes first); the client knows at once that the stream is open.
        if (stream.greet()) {
            turns.execute(() -> stream.turn(null));
        }
        for (Stream old : evicted) {
            log.debug("closing the oldest event stream of {} {}: more than {} open", side.wire(), caller.id(), perUser);
            old.finish();
        }
    }

    /**
     * Counts the stream as its user's newest and returns those of the user's streams it pushes
     * past {@code medmsg.limits.streams-per-user}, oldest first, to be closed. The oldest goes,
     * not the new one: a phone or a tab that reconnects after a network change leaves its old
     * stream behind until a write to it fails, and the one now opening is the one in use.
     */
    private List<Stream> admit(Stream stream) {
        List<Stream> evicted = new ArrayList<>();
        synchronized (byUser) {
            Deque<Stream> mine = byUser.computeIfAbsent(stream.userKey(), k -> new ArrayDeque<>());
            mine.addLast(stream);
            while (mine.size() > perUser) {
                evicted.add(mine.removeFirst());
            }
        }
        return evicted;
    }

    private void leave(Stream stream) {
        synchronized (byUser) {
            Deque<Stream> mine = byUser.get(stream.userKey());
            if (mine != null && mine.remove(stream) && mine.isEmpty()) {
                byUser.remove(stream.userKey());
            }
        }
    }

    private final class Stream implements EventWire.Listener {
        final Side side;
        final String userId;
        final String key;
        final Instant expiresAt;
        final LinkBase base;
        final AuditStamp stamp;
        /** Set once the response has started, before the first turn. */
        volatile EventWire wire;
        volatile boolean closed;
        /** What the stream waits on between turns; cancelled by close(), which takes it out of the hub. */
        volatile CompletableFuture<Boolean> waiting;
        /** The last event sent; touched by one turn at a time (a turn starts when the previous one's wait ends). */
        long after;

        Stream(Side side, String userId, long after, Instant expiresAt, LinkBase base, AuditStamp stamp) {
            this.stamp = stamp;
            this.side = side;
            this.userId = userId;
            this.key = ChangeHub.userKey(side, userId);
            this.after = after;
            this.expiresAt = expiresAt;
            this.base = base;
        }

        String userKey() {
            return side.wire() + ":" + userId;
        }

        /** Writes the first comment; false if the client is gone already (the stream is then ended). */
        boolean greet() {
            try {
                wire.comment("connected");
                return true;
            } catch (IOException | IllegalStateException gone) {
                drop();
                return false;
            }
        }

        /** The client went away or the response timed out: no further turn, and out of the hub now. */
        @Override
        public void gone() {
            close();
        }

        /** Only once the response is over are its connection and descriptor free: until then the stream counts as open. */
        @Override
        public void ended() {
            close();
            open.remove(this);
            leave(this);
        }

        /**
         * One turn: sends {@code comment} if any, then what is new since {@link #after},
         * and waits for the next change without a thread. Ends the stream once it has expired, the
         * service is stopping, or the client is gone.
         */
        private void turn(String comment) {
            try {
                if (closed) {
                    return;
                }
                if (comment != null) {
                    wire.comment(comment);
                }
                EventFeed.Batch batch = feed.since(side, userId, after, base);
                if (!batch.events().isEmpty()) {
                    // one record per delivered batch, durable before the batch is sent
                    audit.submit(stamp.entry(null, null, null, null, null, 200));
                }
                for (EventFeed.Event e : batch.events()) {
                    if (closed) {
                        return;
                    }
                    wire.event(e.id(), e.name(), e.data());
                    after = Math.max(after, e.id());
                }
                hub.advance(key, batch.counter());
                awaitChange(Math.max(after, batch.counter()));
            } catch (IOException gone) {
                // The client went away: the failed write (an event or a heartbeat) is how a dead peer
                // is found. Completing ends the async request, so the container releases the
                // connection now instead of when the response times out with the token.
                log.debug("event stream of {} {} lost its client: {}", side.wire(), userId, gone.toString());
                drop();
            } catch (IllegalStateException alreadyDone) {
                // the stream was completed under us
                close();
            } catch (RuntimeException e) {
                log.warn("event stream of {} {} failed: {}", side.wire(), userId, e.toString());
                finish();
            }
        }

        /** Registers the next turn for when the mark passes {@code past} or the heartbeat is due. */
        private void awaitChange(long past) {
            if (over()) {
                finish();
                return;
            }
            CompletableFuture<Boolean> wait = hub.whenPassed(key, past, untilExpiry(heartbeat));
            waiting = wait;
            if (closed) {
                // close() may have run before the future was published: it must not stay registered
                wait.cancel(false);
                return;
            }
            // completes on the thread that moved the mark (or a timer's): the turn goes elsewhere
            wait.whenComplete((changed, stopped) -> {
                if (closed || stopped != null) {
                    return;
                }
                if (changed) {
                    turns.execute(() -> turn(null));
                } else if (over()) {
                    finish();
                } else {
                    turns.execute(() -> turn("keep-alive"));
                }
            });
        }

        /** Expired, or the service is stopping: no further wait. */
        private boolean over() {
            return !hub.isRunning() || !Instant.now().isBefore(expiresAt);
        }

        private Duration untilExpiry(Duration max) {
            Duration left = Duration.between(Instant.now(), expiresAt);
            return left.compareTo(max) < 0 ? (left.isNegative() ? Duration.ZERO : left) : max;
        }

        /**
         * Ends the stream from the server's side (expired, evicted, the service stopping). A write
         * in progress may be stuck on a client that stopped reading; it fails at the server's idle
         * timeout, and ending the response waits for it, so that wait happens on a thread of its own.
         */
        void finish() {
            close();
            EventWire ending = wire;
            if (ending != null) {
                turns.execute(ending::complete);
            }
        }

        /**
         * The client is gone: stops the stream and ends the response on this thread, which holds
         * no write (the one that failed was its own).
         */
        private void drop() {
            close();
            wire.complete();
        }

        /** Stops the stream: no further turn starts, and its wait leaves the hub at once. */
        void close() {
            closed = true;
            CompletableFuture<Boolean> wait = waiting;
            if (wait != null) {
                wait.cancel(false);
            }
        }
    }
}
