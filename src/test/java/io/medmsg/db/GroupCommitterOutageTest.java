package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group commit while the pool can give no connection: a unit that queued while a batch waited
 * for one hears of the outage with that batch, instead of waiting the pool's whole wait again in
 * the next (a send queued behind a background write answered 503 after 10 s instead of 5). The
 * pool is a transaction manager that fails to begin when the test lets it, and counts attempts.
 */
class GroupCommitterOutageTest {

    private final Unreachable database = new Unreachable();
    private final GroupCommitter committer = new GroupCommitter(Dialect.POSTGRES, new TransactionTemplate(database),
            new WritePipeline(), 256, 16, LockWaits.NONE, new Outages(Dialect.POSTGRES), size -> { }, Duration.ZERO);

    @AfterEach
    void close() throws InterruptedException {
        database.release.release(100);
        committer.close();
    }

    @Test
    void aUnitQueuedWhileABatchWaitsForAConnectionFailsWithThatBatch() throws Exception {
        CompletableFuture<Integer> first = submit(1);
        database.waiting.await(5, TimeUnit.SECONDS);
        CompletableFuture<Integer> second = submit(2);
        awaitQueued(1);

        database.release.release();

        assertNoConnection(first);
        assertNoConnection(second);
        assertThat(database.attempts).as("connection attempts").hasValue(1);
    }

    @Test
    void aUnitQueuedAfterTheFailureHasAnAttemptOfItsOwn() throws Exception {
        database.release.release();
        assertNoConnection(submit(1));

        database.release.release();
        assertNoConnection(submit(2));

        assertThat(database.attempts).as("connection attempts").hasValue(2);
    }

    private CompletableFuture<Integer> submit(int value) {
        return CompletableFuture.supplyAsync(() -> committer.submit(() -> value), r -> Thread.ofVirtual().start(r));
    }

    private void awaitQueued(int units) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (committer.waiting() < units && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(committer.waiting()).as("units queued behind the batch").isEqualTo(units);
    }

    private static void assertNoConnection(CompletableFuture<Integer> unit) {
        assertThatThrownBy(() -> unit.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CannotCreateTransactionException.class);
    }

    /** A database the pool cannot reach: each begin waits until released, then fails as Hikari's wait does. */
    private static final class Unreachable implements PlatformTransactionManager {

        final AtomicInteger attempts = new AtomicInteger();
        final CountDownLatch waiting = new CountDownLatch(1);
        final Semaphore release = new Semaphore(0);

        @Override
        public TransactionStatus getTransaction(TransactionDefinition definition) {
            attempts.incrementAndGet();
            waiting.countDown();
            release.acquireUninterruptibly();
            throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
                    new SQLTransientConnectionException("medmsg - Connection is not available, request timed out after 5000ms."));
        }

        @Override
        public void commit(TransactionStatus status) {
            throw new AssertionError("no transaction begins");
        }

        @Override
        public void rollback(TransactionStatus status) {
            throw new AssertionError("no transaction begins");
        }
    }
}
