package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Database}'s group-commit writer held by a unit that waits: what is submitted meanwhile
 * queues, and runs as one batch once the writer is let go. For tests of what a batch does with
 * several units, outside this package.
 */
public final class HeldWriter implements AutoCloseable {

    private final Database db;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Object> holding;

    private HeldWriter(Database db) throws InterruptedException {
        this.db = db;
        CountDownLatch running = new CountDownLatch(1);
        holding = CompletableFuture.supplyAsync(() -> db.submit(() -> {
            running.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }), r -> Thread.ofPlatform().daemon().start(r));
        assertThat(running.await(10, TimeUnit.SECONDS)).as("the holding unit runs").isTrue();
    }

    public static HeldWriter hold(Database db) throws InterruptedException {
        return new HeldWriter(db);
    }

    /**
     * Returns once {@code units} requests' units wait behind the held one. The application's
     * background jobs (the audit inbox's mover, every second) may queue units of their own
     * meanwhile: those are not counted (fresh-clone CI of aee43bb failed when they were).
     */
    public void awaitWaiting(int units) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.waitingUnitsOfVirtualThreads() < units && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(db.waitingUnitsOfVirtualThreads()).as("requests' units waiting for the writer").isEqualTo(units);
    }

    /** Lets the writer go; the units that waited run as one batch. */
    @Override
    public void close() throws Exception {
        release.countDown();
        holding.get(30, TimeUnit.SECONDS);
    }
}
