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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

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
 * Server-Sent Event streams. Each stream has two virtual threads: a puller that wakes on the
 * caller's change mark and reads what is new from {@link EventFeed}, and a writer that sends.
 * Between them sits a bounded queue: when a client stops reading and the queue fills, the stream
 * is dropped (the client reconnects with Last-Event-ID and catches up from the database). A
 * sender never waits for a stream; it only moves a mark.
 */
@Component
class EventStreams {

    static final int QUEUE_CAPACITY = 256;
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private static final EventFeed.Event CLOSE = new EventFeed.Event(-1, "close", null);

    private final EventFeed feed;
    private final ChangeHub hub;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    /** Each user's open streams, oldest first; guarded by itself (opens and ends are rare). */
    private final Map<String, Deque<Stream>> byUser = new HashMap<>();
    private final int perUser;
    private final Duration heartbeat;
    private final Audit audit;

    EventStreams(EventFeed feed, ChangeHub hub, MedMsgProperties properties, MeterRegistry meters, Audit audit) {
        this.audit = audit;
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
    SseEmitter open(Caller caller, Long lastEventId, Instant expiresAt, LinkBase base, AuditStamp stamp) {
        Side side = caller.side();
        long start = lastEventId != null ? lastEventId : feed.current(side, caller.id());
        long lifetime = Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis());
        Stream stream = new Stream(side, caller.id(), start, expiresAt, base, stamp, new SseEmitter(lifetime + 5_000));
        open.add(stream);
        List<Stream> evicted = admit(stream);
        // Called by the container once the response is over for whatever reason, and only then are
        // its connection and descriptor free: until then the stream counts as open.
        stream.emitter.onCompletion(() -> {
            stream.close();
            open.remove(stream);
            leave(stream);
        });
        // the container saw the client go (or the stream outlive its token): stop both threads now
        stream.emitter.onTimeout(stream::close);
        stream.emitter.onError(e -> stream.close());
        Thread.ofVirtual().name("sse-pull-" + caller.id()).start(stream::pull);
        Thread.ofVirtual().name("sse-write-" + caller.id()).start(stream::write);
        for (Stream old : evicted) {
            log.debug("closing the oldest event stream of {} {}: more than {} open", side.wire(), caller.id(), perUser);
            old.finish();
        }
        return stream.emitter;
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

    private final class Stream {
        final Side side;
        final String userId;
        final Instant expiresAt;
        final LinkBase base;
        final AuditStamp stamp;
        final SseEmitter emitter;
        final BlockingQueue<EventFeed.Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY + 1);
        volatile boolean closed;
        /** What the puller waits on; cancelled by close(), which takes it out of the hub at once. */
        volatile CompletableFuture<Boolean> waiting;
        long after;

        String userKey() {
            return side.wire() + ":" + userId;
        }

        Stream(Side side, String userId, long after, Instant expiresAt, LinkBase base, AuditStamp stamp, SseEmitter emitter) {
            this.stamp = stamp;
            this.side = side;
            this.userId = userId;
            this.after = after;
            this.expiresAt = expiresAt;
            this.base = base;
            this.emitter = emitter;
        }

        void pull() {
            String key = ChangeHub.userKey(side, userId);
            try {
                while (!closed) {
                    EventFeed.Batch batch = feed.since(side, userId, after, base);
                    if (!batch.events().isEmpty()) {
                        // one record per delivered batch, durable before the batch is queued to be sent
                        audit.submit(stamp.entry(null, null, null, null, null, 200));
                    }
                    for (EventFeed.Event e : batch.events()) {
                        if (queue.size() >= QUEUE_CAPACITY || !queue.offer(e)) {
                            log.debug("dropping a slow event stream of {} {}", side.wire(), userId);
                            finish();
                            return;
                        }
                        after = Math.max(after, e.id());
                    }
                    hub.advance(key, batch.counter());
                    long waitPast = Math.max(after, batch.counter());
                    boolean changed = awaitChange(key, waitPast);
                    if (!changed && (!hub.isRunning() || !Instant.now().isBefore(expiresAt))) {
                        finish();
                        return;
                    }
                }
            } catch (RuntimeException e) {
                log.warn("event stream of {} {} failed: {}", side.wire(), userId, e.toString());
                finish();
            }
        }

        private boolean awaitChange(String key, long after) {
            CompletableFuture<Boolean> wait = hub.whenPassed(key, after, untilExpiry(heartbeat));
            waiting = wait;
            if (closed) {
                // close() may have run before the future was published: it must not stay registered
                wait.cancel(false);
            }
            try {
                return wait.get();
            } catch (CancellationException | ExecutionException stopped) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void write() {
            try {
                // sends the response headers now, so the client knows at once that the stream is open
                emitter.send(SseEmitter.event().comment("connected"));
                while (!closed) {
                    EventFeed.Event e = queue.poll(untilExpiry(heartbeat).toMillis(), TimeUnit.MILLISECONDS);
                    if (e == CLOSE || !Instant.now().isBefore(expiresAt)) {
                        break;
                    }
                    if (e == null) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                    } else {
                        emitter.send(SseEmitter.event().id(Long.toString(e.id())).name(e.name())
                                .data(e.data(), MediaType.APPLICATION_JSON));
                    }
                }
                emitter.complete();
            } catch (IOException gone) {
                // The client went away: the failed write (an event or a heartbeat) is how a dead peer
                // is found. Completing with the error ends the async request, so the container
                // releases the connection now instead of when the emitter times out with the token.
                log.debug("event stream of {} {} lost its client: {}", side.wire(), userId, gone.toString());
                completeWithError(gone);
            } catch (IllegalStateException alreadyDone) {
                // the stream was completed under us
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                completeWithError(e);
            } finally {
                close();
            }
        }

        private void completeWithError(Exception e) {
            try {
                emitter.completeWithError(e);
            } catch (IllegalStateException alreadyDone) {
                // completed by the puller or the container
            }
        }

        private Duration untilExpiry(Duration max) {
            Duration left = Duration.between(Instant.now(), expiresAt);
            return left.compareTo(max) < 0 ? (left.isNegative() ? Duration.ZERO : left) : max;
        }

        /**
         * Ends the stream from the puller's side: the backlog is dropped and the writer stops after
         * the write in progress. That write may be stuck on a client that stopped reading; it fails
         * at the server's write timeout, and completing the emitter waits for its lock, so that
         * wait happens on a thread of its own.
         */
        void finish() {
            close();
            queue.clear();
            queue.offer(CLOSE);
            Thread.ofVirtual().start(() -> {
                try {
                    emitter.complete();
                } catch (IllegalStateException alreadyDone) {
                    // completed by the writer or the container
                }
            });
        }

        /** Stops both threads: the writer at its next poll, the puller at once (its waiter leaves the hub). */
        void close() {
            closed = true;
            queue.offer(CLOSE);
            CompletableFuture<Boolean> wait = waiting;
            if (wait != null) {
                wait.cancel(false);
            }
        }
    }
}
