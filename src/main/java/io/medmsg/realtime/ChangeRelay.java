package io.medmsg.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.medmsg.db.Database;
import io.medmsg.shared.Ids;
import io.medmsg.shared.SharedRedis;

/**
 * Carries committed changes between the instances that share one database, so that the
 * high-water marks of every instance's {@link ChangeHub} move and its held requests wake when a
 * message is sent through another instance. Each {@link SessionChanged} of this instance is queued
 * after its commit and broadcast in batches by one publisher thread (a sender never waits for the
 * channel); what other instances broadcast is merged into the hub with {@link ChangeHub#advance}.
 *
 * <p>The marks are only a cache, so nothing here may make them claim "nothing new" when there is:
 * while the channel is down, and once more after it is back, every mark is forgotten (so polls ask
 * the database) and every held request is woken to recheck; a full queue or a failed broadcast
 * is followed by a "forget" message to the other instances. What goes over the channel is
 * {@link ChangeWire}'s.
 */
@Component
class ChangeRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeRelay.class);
    static final int QUEUE_CAPACITY = 65_536;
    private static final int MAX_BATCH = 1_000;
    private static final Duration FORGET_EVERY = Duration.ofSeconds(1);

    private final ChangeHub hub;
    private final ChangeChannel channel;
    private final ChangeWire wire = new ChangeWire(UUID.randomUUID().toString().substring(0, 13));
    private final BlockingQueue<Queued> outbox = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final WakeUpLatency latency;
    /** Set when a change could not be broadcast: the next broadcast tells the others to forget. */
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile boolean connected;
    private volatile boolean running;
    private Thread publisher;
    private Thread watchdog;

    ChangeRelay(NotifySettings settings, Database db, DataSource dataSource, Environment environment,
            SharedRedis redis, ChangeHub hub, WakeUpLatency latency) {
        this.hub = hub;
        this.latency = latency;
        this.channel = switch (settings.kind()) {
            case LOCAL -> null;
            case POSTGRES -> {
                if (!db.dialect().notifies()) {
                    throw new IllegalStateException("medmsg.notify.type=postgres needs a PostgreSQL database, but "
                            + "spring.datasource.url is " + db.dialect().datasourceUrl() + "; use medmsg.notify.type=redis "
                            + "with spring.data.redis.url, or local for a single instance");
                }
                yield new PostgresChannel(environment.getProperty("spring.datasource.url"),
                        environment.getProperty("spring.datasource.username"),
                        environment.getProperty("spring.datasource.password"), settings.channel(), dataSource);
            }
            case REDIS -> {
                if (!redis.configured()) {
                    throw new IllegalStateException("medmsg.notify.type=redis needs a Redis: set spring.data.redis.url "
                            + "(SPRING_DATA_REDIS_URL, e.g. redis://10.0.0.5:6379) or spring.data.redis.host");
                }
                yield new RedisChannel(redis, settings.channel());
            }
        };
    }

    /** After commit, on the committing thread: queue it, never wait. */
    @EventListener
    void on(SessionChanged change) {
        if (channel != null && !outbox.offer(new Queued(change, System.currentTimeMillis()))) {
            lost.set(true);
        }
    }

    @Override
    public void start() {
        if (channel == null) {
            return;
        }
        running = true;
        try {
            channel.listen(receiver(), Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot listen on the " + channel.describe() + ": " + e.getMessage(), e);
        }
        publisher = Thread.ofPlatform().name("medmsg-notify").daemon(true).start(this::publish);
        watchdog = Thread.ofVirtual().name("medmsg-notify-watchdog").start(this::watch);
        log.info("Changes are shared with other instances through the {}", channel.describe());
    }

    private ChangeChannel.Receiver receiver() {
        return new ChangeChannel.Receiver() {
            @Override
            public void received(String payload) {
                apply(payload);
            }

            @Override
            public void connected() {
                boolean again = !connected && publisher != null;
                connected = true;
                // what was learned while the channel was down may be stale
                hub.forgetAll();
                if (again) {
                    log.info("Listening again on the {}", channel.describe());
                }
            }

            @Override
            public void disconnected(String reason) {
                if (connected) {
                    log.warn("Lost the {} ({}); answering from the database until it is back", channel.describe(), reason);
                }
                connected = false;
                hub.forgetAll();
            }
        };
    }

    /** Merges another instance's payload into the hub. */
    void apply(String payload) {
        long received = System.currentTimeMillis();
        wire.decode(payload, hub::on, hub::forgetAll, queuedAt -> latency.remote(received - queuedAt));
    }

    private void publish() {
        List<Queued> batch = new ArrayList<>();
        while (running || !outbox.isEmpty()) {
            try {
                Queued first = outbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null && !lost.get()) {
                    continue;
                }
                if (first != null) {
                    batch.add(first);
                    outbox.drainTo(batch, MAX_BATCH - 1);
                }
                boolean forget = lost.getAndSet(false);
                try {
                    channel.publish(wire.encode(forget, batch.stream().map(Queued::change).toList(),
                            first != null ? first.at() : System.currentTimeMillis()));
                } catch (Exception e) {
                    lost.set(true);
                    log.warn("Could not broadcast {} change(s) on the {}: {}", batch.size(), channel.describe(), e.toString());
                    Thread.sleep(1_000);
                }
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** While the channel is down, forget every second: polls then learn from the database again. */
    private void watch() {
        while (running) {
            try {
                Thread.sleep(FORGET_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            if (!connected) {
                hub.forgetAll();
            }
        }
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            if (publisher != null) {
                publisher.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        channel.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // listening before the web server takes requests, and until it has stopped taking them
        return 0;
    }

    /** A change of this instance waiting to be broadcast, and when it was queued (epoch ms). */
    private record Queued(SessionChanged change, long at) {
    }

    /** Whether the channel is subscribed right now (tests, health). */
    boolean connected() {
        return channel == null || connected;
    }
}
