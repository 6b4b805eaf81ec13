package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The commit delay of the group commit ({@code medmsg.db.commit-delay}): work that may wait (a
 * read's audit record) queued close behind a batch with company joins the next batch; a lone
 * caller and a change never wait for company. On a real SQLite file, with a delay of 10 s, far
 * above the test's timeouts of 5 s: a unit held for the delay fails the test by timing out, so the
 * machine's speed cannot decide the outcome.
 */
class CommitDelayTest {

    private static final Duration DELAY = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private HikariDataSource dataSource;
    private GroupCommitter committer;
    private final List<Integer> batches = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:sqlite:" + dir.resolve("delay.db"));
        dataSource.setMaximumPoolSize(1);
        committer = new GroupCommitter(Dialect.SQLITE, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new WritePipeline(), 256, 64, LockWaits.NONE, new Outages(Dialect.SQLITE), batches::add, DELAY);
    }

    @AfterEach
    void close() throws InterruptedException {
        committer.close();
        dataSource.close();
    }

    @Test
    void workThatMayWaitJoinsTheBatchOfThoseCloseBehindIt() throws Exception {
        // the second is as many as the last batch had: the writer waits no longer
        assertJoinsAWaitingRecord(2, () -> committer.enqueue(() -> 2, true));
    }

    @Test
    void aChangeEndsTheWaitForCompanyWhenItQueues() throws Exception {
        // the writer waits for two more records, and a change ends that wait
        assertJoinsAWaitingRecord(3, () -> submit(() -> 2));
    }

    @Test
    void aChangeNeverWaitsForCompany() throws Exception {
        batchOf(2);

        assertThat(submit(() -> 3).get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(batches).as("units per batch").containsExactly(1, 2, 1);
    }

    @Test
    void aLoneCallerNeverWaitsForCompany() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(committer.enqueue(() -> 1, true).get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(batches).as("units per batch").containsExactly(1, 1, 1, 1, 1);
    }

    @Test
    void theDelayIsCheckedAtStartUp() {
        assertThat(DatabaseConfig.commitDelay(new MockEnvironment())).isEqualTo(Duration.ofMillis(2));
        assertThat(DatabaseConfig.commitDelay(new MockEnvironment().withProperty("medmsg.db.commit-delay", "0")))
                .isZero();
        assertThatThrownBy(() -> DatabaseConfig.commitDelay(
                new MockEnvironment().withProperty("medmsg.db.commit-delay", "150ms")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("medmsg.db.commit-delay");
        assertThatThrownBy(() -> DatabaseConfig.commitDelay(
                new MockEnvironment().withProperty("medmsg.db.commit-delay", "-1ms")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("between 0 and 100ms");
    }

    /**
     * After a batch of {@code previous}, a record that may wait is taken alone and waits for company;
     * {@code second} queues 200 ms later: both commit, in one batch, long before the delay is over.
     */
    private void assertJoinsAWaitingRecord(int previous, Supplier<CompletableFuture<Integer>> second)
            throws Exception {
        batchOf(previous);

        CompletableFuture<Integer> record = committer.enqueue(() -> 1, true);
        // the writer has taken the record (nothing else is queued) and waits for company
        Thread.sleep(200);
        CompletableFuture<Integer> next = second.get();

        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(record.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(batches).as("units per batch").containsExactly(1, previous, 2);
    }

    /** A batch of one (a change that holds the writer) and then one of {@code n} that may wait, queued behind it. */
    private void batchOf(int n) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Integer> blocker = submit(() -> {
            running.countDown();
            awaitQuietly(release);
            return 0;
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queued.add(committer.enqueue(() -> 1, true));
        }
        release.countDown();
        blocker.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<Integer> unit : queued) {
            unit.get(5, TimeUnit.SECONDS);
        }
        assertThat(batches).as("units per batch").containsExactly(1, n);
    }

    private CompletableFuture<Integer> submit(Supplier<Integer> work) {
        return CompletableFuture.supplyAsync(() -> committer.submit(work), r -> Thread.ofVirtual().start(r));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
