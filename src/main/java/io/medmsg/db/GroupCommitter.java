package io.medmsg.db;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

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
 * <p>Several instances on one database each run batches, and a batch locks rows in the order of
 * its units, not in the one global order each unit keeps: two batches could deadlock. So a batch
 * of several units first runs with {@code lockWaitsFail} in force (PostgreSQL: a lock timeout of
 * 10 ms; MySQL/MariaDB: none, a lock wait fails at once), and any lock held elsewhere for longer
 * fails the attempt. The batch then runs again unit by unit in savepoints, where only the first
 * unit may wait for a lock: {@code lockWaitsFail} follows it, and a later unit that fails so is
 * rolled back to its savepoint and runs again as the first unit of the next batch. A waiting batch holds only the locks of one unit, taken in the
 * global order, and waits cannot form a circle.
 *
 * <p>While a batch runs without savepoints, statements the units queue on the {@link WritePipeline}
 * go to the server together; they are sent before the commit, and a failure among them counts as
 * a failure of the batch (which then runs again unit by unit, where nothing is queued, so each
 * failure is its own unit's). Setting the lock timeout before the first unit, not after it, is
 * what lets the first unit's statements go with the others (docs/benchmarks.md).
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    private static final int MAX_TRANSACTIONS_LOST = 5;

    private final BlockingQueue<Task<?>> queue;
    /** Units that met a lock held elsewhere: first in the next batch. Writer thread only. */
    private final Deque<Task<?>> deferred = new ArrayDeque<>();
    /** Makes the rest of the transaction's lock waits fail at once instead of waiting. */
    private final Runnable lockWaitsFail;
    private final WritePipeline pipeline;
    /** Whether units may queue statements now: writer thread only. */
    private boolean pipelining;
    private final TransactionTemplate batch;
    private final TransactionTemplate savepoint;
    private final int maxBatch;
    private final Thread writer;
    private volatile boolean running = true;

    GroupCommitter(TransactionTemplate transactions, WritePipeline pipeline, int maxBatch, int queueCapacity,
            Runnable lockWaitsFail) {
        this.lockWaitsFail = lockWaitsFail;
        this.pipeline = pipeline;
        this.batch = transactions;
        this.savepoint = new TransactionTemplate(transactions.getTransactionManager());
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = Thread.ofPlatform().name("medmsg-writer").daemon(true).start(this::loop);
    }

    <T> T submit(Supplier<T> work) {
        Task<T> task = new Task<>(work);
        try {
            queue.put(task);
            return task.future.get();
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

    boolean onWriterThread() {
        return Thread.currentThread() == writer;
    }

    /** Whether the calling unit may queue a statement on {@link #pipeline()}. */
    boolean pipelining() {
        return onWriterThread() && pipelining;
    }

    int waiting() {
        return queue.size();
    }

    WritePipeline pipeline() {
        return pipeline;
    }

    private void loop() {
        List<Task<?>> tasks = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty() || !deferred.isEmpty()) {
            try {
                Task<?> first = deferred.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : deferred.poll();
                if (first == null) {
                    continue;
                }
                tasks.add(first);
                tasks.addAll(deferred);
                deferred.clear();
                queue.drainTo(tasks, Math.max(0, maxBatch - tasks.size()));
                runBatch(tasks);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("database writer batch failed", e);
                tasks.forEach(t -> t.future.completeExceptionally(e));
            } finally {
                tasks.clear();
            }
        }
    }

    private void runBatch(List<Task<?>> tasks) {
        if (!runOptimistically(tasks)) {
            runInSavepoints(tasks);
        }
    }

    /**
     * The usual case: every unit succeeds, so the batch runs without savepoints (on PostgreSQL two
     * round trips fewer per unit) and no unit waits for a lock held elsewhere. If a unit fails, the
     * whole batch is rolled back and, unless it was the only unit, runs again with a savepoint per
     * unit. Returns whether the batch is done.
     * A failed commit is not retried (it may have committed): it fails every caller, as before.
     */
    private boolean runOptimistically(List<Task<?>> tasks) {
        RuntimeException[] failed = {null};
        pipelining = true;
        try {
            batch.executeWithoutResult(status -> {
                if (tasks.size() > 1) {
                    lockWaitsFail.run();
                }
                for (int i = 0; i < tasks.size() && failed[0] == null; i++) {
                    Task<?> task = tasks.get(i);
                    try {
                        task.runPlain();
                    } catch (RuntimeException e) {
                        failed[0] = e;
                    }
                }
                if (failed[0] == null) {
                    try {
                        pipeline.flush();
                    } catch (RuntimeException e) {
                        failed[0] = e;
                    }
                }
                if (failed[0] != null) {
                    status.setRollbackOnly();
                }
            });
        } finally {
            pipelining = false;
            pipeline.discard();
        }
        if (failed[0] == null) {
            // committed: now, and only now, the callers may hear of it
            tasks.forEach(Task::complete);
            return true;
        }
        if (tasks.size() == 1) {
            tasks.get(0).failure = failed[0];
            tasks.get(0).complete();
            return true;
        }
        return false;
    }

    private void runInSavepoints(List<Task<?>> tasks) {
        List<Task<?>> again = new ArrayList<>();
        try {
            batch.executeWithoutResult(status -> {
                for (int i = 0; i < tasks.size(); i++) {
                    Task<?> task = tasks.get(i);
                    if (i == 1) {
                        lockWaitsFail.run();
                    }
                    runInSavepoint(task);
                    if (transactionLost(task.failure)) {
                        throw new TransactionLost(task);
                    }
                    if (i > 0 && lockRefused(task.failure)) {
                        task.failure = null;
                        again.add(task);
                    }
                }
            });
        } catch (TransactionLost lost) {
            runAgainAfterLosingTheTransaction(tasks, lost.unit);
            return;
        }
        // committed: now, and only now, the callers may hear of it
        for (Task<?> task : tasks) {
            if (!again.contains(task)) {
                task.complete();
            }
        }
        deferred.addAll(again);
    }

    /**
     * The database rolled back the whole transaction under a unit, not only its failed statement,
     * so the units before it, though they ran without an error, are no longer in. MySQL/MariaDB do
     * so on a deadlock (error 1213; PostgreSQL's 40P01 rolls back to the savepoint only) and, with
     * {@code innodb_rollback_on_timeout=ON}, on a lock wait timeout. Rolling back to the unit's
     * savepoint then finds none (MySQL/MariaDB 1305) or no transaction (PostgreSQL 25P01), whatever
     * the cause.
     */
    private static boolean transactionLost(Throwable failure) {
        return causedBy(failure, sql -> sql.getErrorCode() == 1213 || sql.getErrorCode() == 1305
                || "25P01".equals(sql.getSQLState()));
    }

    /**
     * Nobody's work is in: every unit runs again, first in the next batch. The unit that met the
     * loss fails after a few such attempts, so that a unit that keeps losing cannot hold up the
     * others for ever.
     */
    private void runAgainAfterLosingTheTransaction(List<Task<?>> tasks, Task<?> unit) {
        for (Task<?> task : tasks) {
            if (task == unit && ++task.transactionsLost >= MAX_TRANSACTIONS_LOST) {
                task.complete();
            } else {
                task.failure = null;
                deferred.add(task);
            }
        }
    }

    /**
     * A lock wait that failed, rolling back only the unit's statement: a lock timeout (PostgreSQL
     * 55P03, which Spring leaves uncategorized; MySQL/MariaDB 1205) or a PostgreSQL deadlock
     * (40P01). A MySQL/MariaDB deadlock loses the whole transaction ({@link #transactionLost}).
     */
    private static boolean lockRefused(Throwable failure) {
        return failure instanceof PessimisticLockingFailureException || causedBy(failure, sql -> "55P03".equals(sql.getSQLState())
                || "40P01".equals(sql.getSQLState()) || sql.getErrorCode() == 1205);
    }

    private static boolean causedBy(Throwable failure, Predicate<SQLException> test) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && test.test(sql)) {
                return true;
            }
        }
        return false;
    }

    private void runInSavepoint(Task<?> task) {
        try {
            task.run(savepoint);
        } catch (RuntimeException e) {
            task.failure = e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }

    /** Thrown out of a batch whose transaction the database rolled back as a whole. */
    private static final class TransactionLost extends RuntimeException {
        final transient Task<?> unit;

        TransactionLost(Task<?> unit) {
            super(null, unit.failure, false, false);
            this.unit = unit;
        }
    }

    private static final class Task<T> {
        final Supplier<T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        RuntimeException failure;
        int transactionsLost;

        Task(Supplier<T> work) {
            this.work = work;
        }

        void run(TransactionTemplate savepoint) {
            result = savepoint.execute(status -> work.get());
        }

        void runPlain() {
            result = work.get();
        }

        void complete() {
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(result);
            }
        }
    }
}
