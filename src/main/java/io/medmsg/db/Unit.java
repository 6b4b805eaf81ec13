package io.medmsg.db;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * One caller's unit of work in the group-commit writer: what it ran to, and the future its caller
 * waits on. Writer thread only, but for {@link #future}.
 */
final class Unit<T> {

    final Supplier<T> work;
    /** Whether the writer may hold this unit up to the commit delay for company ({@link GroupCommitter}). */
    final boolean mayWait;
    /**
     * Whether a virtual thread queued it: requests run on virtual threads, the background jobs
     * (audit inbox, sweepers, webhooks) on platform threads, so a test can tell its requests' units
     * from theirs ({@link Database#waitingUnitsOfVirtualThreads}).
     */
    final boolean ofVirtualThread = Thread.currentThread().isVirtual();
    final CompletableFuture<T> future = new CompletableFuture<>();
    T result;
    RuntimeException failure;
    /** How many batches this unit's failure has cost their whole transaction ({@link BatchRunner}). */
    int transactionsLost;

    Unit(Supplier<T> work, boolean mayWait) {
        this.work = work;
        this.mayWait = mayWait;
    }

    void run(TransactionTemplate savepoint) {
        result = savepoint.execute(status -> work.get());
    }

    void runPlain() {
        result = work.get();
    }

    /** Answers the caller: only once the unit's work is committed, or has failed for good. */
    void complete() {
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            future.complete(result);
        }
    }
}
