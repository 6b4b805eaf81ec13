package io.medmsg.db;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import io.medmsg.shared.DependencyFailure;

/**
 * Group commit. SQLite has one writer and {@code synchronous=FULL} costs one disk flush per commit,
 * which caps one-transaction-per-request near the disk's flush rate; on PostgreSQL and
 * MySQL/MariaDB the row lock on a busy user's change counter is held until the commit is flushed,
 * with the same cap. One writer thread therefore takes every waiting unit of work, runs each in
 * its own savepoint (so one failure rolls back only itself), commits the batch once, and only
 * then answers each caller. A caller never hears "done" before its work is durable; should the
 * database roll back the whole transaction under a unit (MySQL/MariaDB do on a deadlock), every
 * unit of the batch runs again.
 *
 * <p>Work that may wait (the audit record of a read: {@link Database#submitLater}) is held a
 * moment when such callers come many at a time, so that those close behind join its batch: each
 * commit costs the writer a disk flush and, on SQLite, every reader connection its page cache, so
 * fewer and larger commits leave more of the machine to the requests (docs/benchmarks.md, "commit
 * delay"). The writer waits until as many units as the previous batch had have come, and at most
 * {@code medmsg.db.commit-delay}; not at all when the previous batch had no company, the queue has
 * brought as many already, or a unit in hand may not wait. Changes (a send) never wait for
 * company: their callers wait for their answer before sending again, so a wait only slows them
 * (measured: sends 15–25 % slower when every batch with company waited).
 *
 * <p>This class holds the queue and the writer thread; how one batch runs, and which of its
 * units run again in the next, is {@link BatchRunner}'s.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    /** On a writer thread, its committer ({@link WriterRouting} gives it its own connection). */
    private static final ThreadLocal<GroupCommitter> WRITER = new ThreadLocal<>();

    private final BlockingQueue<Unit<?>> queue;
    /** Units that met a lock held elsewhere or lost their transaction: first in the next batch. Writer thread only. */
    private final Deque<Unit<?>> deferred = new ArrayDeque<>();
    private final BatchRunner batches;
    private final int maxBatch;
    private final Thread writer;
    private final Outages outages;
    /** Hears the number of units of each batch ({@code medmsg_db_batch_size}). */
    private final IntConsumer batchSizes;
    private final long commitDelayNanos;
    /** Units of the last batch. Writer thread only. */
    private int previousBatch;
    /** How many queued units the writer waits for before its batch ({@link #waitForCompany}); MAX_VALUE when it does not wait. */
    private volatile int awaited = Integer.MAX_VALUE;
    /** Whether a unit that may not wait has queued while the writer waits for company. */
    private volatile boolean urgent;
    private volatile boolean running = true;

    GroupCommitter(Dialect dialect, TransactionTemplate transactions, WritePipeline pipeline, int maxBatch,
            int queueCapacity, LockWaits lockWaits, Outages outages, IntConsumer batchSizes, Duration commitDelay) {
        this.commitDelayNanos = commitDelay.toNanos();
        this.batches = new BatchRunner(dialect, transactions, pipeline, lockWaits, outages);
        this.batchSizes = batchSizes;
        this.outages = outages;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = Thread.ofPlatform().name("medmsg-writer").daemon(true).start(this::loop);
    }

    <T> T submit(Supplier<T> work) {
        return await(enqueue(work, false));
    }

    /**
     * Queues the work and returns at once: {@link #await} then waits for its commit. Work that
     * {@code mayWait} may be held up to the commit delay for company; other work never is.
     */
    <T> CompletableFuture<T> enqueue(Supplier<T> work, boolean mayWait) {
        Unit<T> unit = new Unit<>(work, mayWait);
        try {
            queue.put(unit);
            int writerAwaits = awaited;
            if (writerAwaits != Integer.MAX_VALUE && (!mayWait || queue.size() >= writerAwaits)) {
                urgent |= !mayWait;
                LockSupport.unpark(writer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database writer", e);
        }
        return unit.future;
    }

    /** The result of queued work once it has committed; its failure, thrown, if it failed. */
    static <T> T await(CompletableFuture<T> committed) {
        try {
            return committed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether the calling thread is a group commit's writer (this one's or another's). */
    static boolean onAWriterThread() {
        return WRITER.get() != null;
    }

    boolean onWriterThread() {
        return Thread.currentThread() == writer;
    }

    /** Whether the calling unit may gather writes on {@link #pipeline()} ({@link Database#deferring}). */
    boolean pipelining() {
        return onWriterThread() && batches.pipelining();
    }

    int waiting() {
        return queue.size();
    }

    int waitingOfVirtualThreads() {
        int n = 0;
        for (Unit<?> unit : queue) {
            n += unit.ofVirtualThread ? 1 : 0;
        }
        return n;
    }

    WritePipeline pipeline() {
        return batches.pipeline();
    }

    private void loop() {
        WRITER.set(this);
        List<Unit<?>> units = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty() || !deferred.isEmpty()) {
            try {
                Unit<?> first = deferred.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : deferred.poll();
                if (first == null) {
                    continue;
                }
                units.add(first);
                units.addAll(deferred);
                deferred.clear();
                queue.drainTo(units, Math.max(0, maxBatch - units.size()));
                waitForCompany(units);
                previousBatch = units.size();
                batchSizes.accept(units.size());
                batches.run(units, deferred);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                DependencyFailure outage = outages.of(e);
                if (outage != null) {
                    // an outage fails every batch until it ends: one line each, not a stack trace
                    log.warn("database writer batch failed: {}", e.toString());
                    if (noConnection(e, outage)) {
                        takeEveryoneWaiting(units);
                    }
                } else {
                    log.error("database writer batch failed", e);
                }
                units.forEach(u -> u.future.completeExceptionally(e));
            } finally {
                units.clear();
            }
        }
    }

    /**
     * Waits, at most the commit delay, until as many units as the last batch had are in hand, and
     * takes who queued meanwhile: only when every unit in hand may wait, the last batch had company
     * and fewer have come so far. A unit that may not wait ends the wait when it queues; the others
     * wake the writer once, when the last of those it waits for queues ({@link #enqueue}), not at
     * every arrival: on a small machine each wake-up costs the requests CPU.
     */
    private void waitForCompany(List<Unit<?>> units) {
        int wanted = Math.min(previousBatch, maxBatch);
        if (commitDelayNanos == 0 || previousBatch < 2 || units.size() >= wanted || !allMayWait(units)) {
            return;
        }
        long deadline = System.nanoTime() + commitDelayNanos;
        urgent = false;
        awaited = wanted - units.size();
        try {
            long left;
            while (!urgent && queue.size() < awaited && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            awaited = Integer.MAX_VALUE;
        }
        queue.drainTo(units, maxBatch - units.size());
    }

    private static boolean allMayWait(List<Unit<?>> units) {
        for (Unit<?> unit : units) {
            if (!unit.mayWait) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the batch could not begin because the pool gave no connection within its wait
     * (spring.datasource.hikari.connection-timeout): the database cannot be reached.
     */
    private static boolean noConnection(Throwable e, DependencyFailure outage) {
        return e instanceof CannotCreateTransactionException && outage.kind() == DependencyFailure.Kind.UNAVAILABLE;
    }

    /**
     * Adds to the failed batch every unit that queued while it waited for a connection. Each would
     * otherwise wait the pool's whole wait again in the next batch, so a send queued behind a
     * background write (a deadline sweep, the audit mover) heard of the outage only after twice
     * the wait; seen in CI, 10 s instead of 5.
     */
    private void takeEveryoneWaiting(List<Unit<?>> units) {
        units.addAll(deferred);
        deferred.clear();
        queue.drainTo(units);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }
}
