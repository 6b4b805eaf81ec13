package io.medmsg.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for SQLite. SQLite has one writer and {@code synchronous=FULL} costs one disk
 * flush per commit, which caps one-transaction-per-request near the disk's flush rate. One writer
 * thread therefore takes every waiting unit of work, runs each in its own savepoint (so one
 * failure rolls back only itself), commits the batch once, and only then answers each caller.
 * A caller never hears "done" before its work is durable.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    private final BlockingQueue<Task<?>> queue;
    private final TransactionTemplate batch;
    private final TransactionTemplate savepoint;
    private final int maxBatch;
    private final Thread writer;
    private volatile boolean running = true;

    GroupCommitter(TransactionTemplate transactions, int maxBatch, int queueCapacity) {
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

    private void loop() {
        List<Task<?>> tasks = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                tasks.add(first);
                queue.drainTo(tasks, maxBatch - 1);
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
        batch.executeWithoutResult(status -> tasks.forEach(this::runInSavepoint));
        // committed: now, and only now, the callers may hear of it
        tasks.forEach(Task::complete);
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

    private static final class Task<T> {
        final Supplier<T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        RuntimeException failure;

        Task(Supplier<T> work) {
            this.work = work;
        }

        void run(TransactionTemplate savepoint) {
            result = savepoint.execute(status -> work.get());
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
