package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.medmsg.support.TestDatabase;

/**
 * Statements a group-commit batch sends together ({@link Database#pipelined}): on PostgreSQL they
 * are queued and go in one round trip; elsewhere they run at once. Either way each caller gets its
 * own row, later statements see earlier ones, and a failing statement fails only its own caller.
 */
@Tag("db")
@ExtendWith(TestDatabase.Reachable.class)
class WritePipelineTest {

    private static final String INSERT = "INSERT INTO probe (k, v) VALUES (:k, :v) RETURNING k, v * 2 AS doubled";
    /** Copies row k to k + 1000, if there is a row k. */
    private static final String COPY = "INSERT INTO probe (k, v) SELECT k + 1000, v FROM probe WHERE k = :k RETURNING k, v * 2 AS doubled";
    private static final String[] RETURNED = {"k", "doubled"};

    @TempDir
    Path dir;
    private HikariDataSource dataSource;
    private Database db;
    private final ExecutorService callers = Executors.newFixedThreadPool(8);

    @BeforeEach
    void open() {
        TestDatabase.Kind kind = TestDatabase.kind();
        dataSource = new HikariDataSource();
        if (kind == TestDatabase.Kind.SQLITE) {
            dataSource.setJdbcUrl("jdbc:sqlite:" + dir.resolve("probe.db"));
            dataSource.setMaximumPoolSize(1);
        } else {
            TestDatabase.Fresh fresh = TestDatabase.create(kind);
            dataSource.setJdbcUrl(fresh.url());
            dataSource.setUsername(fresh.user());
            dataSource.setPassword(fresh.password());
            dataSource.setMaximumPoolSize(10);
        }
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("CREATE TABLE probe (k INT PRIMARY KEY, v BIGINT NOT NULL)").update();
        db = new Database(Dialect.fromUrl(dataSource.getJdbcUrl()), jdbc, new NamedParameterJdbcTemplate(dataSource), jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), null);
    }

    @AfterEach
    void close() throws Exception {
        callers.shutdownNow();
        db.close();
        dataSource.close();
    }

    @Test
    void eachCallerGetsTheRowOfItsOwnStatement() throws Exception {
        List<Future<Map<String, Object>>> rows = new ArrayList<>();
        for (int k = 1; k <= 400; k++) {
            int key = k;
            rows.add(callers.submit(() -> db.submit(() -> insert(key, key)).get().orElseThrow()));
        }
        for (int k = 1; k <= 400; k++) {
            assertThat(rows.get(k - 1).get(30, TimeUnit.SECONDS)).containsEntry("k", k).containsEntry("doubled", 2L * k);
        }
        assertThat(count()).isEqualTo(400);
    }

    @Test
    void aStatementThatChangesNoRowHasNoRowAndTheOthersKeepTheirs() throws Exception {
        for (int k = 1; k <= 200; k += 2) {
            int key = k;
            db.submit(() -> insert(key, key));
        }
        List<Future<Optional<Map<String, Object>>>> rows = new ArrayList<>();
        for (int k = 1; k <= 200; k++) {
            int key = k;
            rows.add(callers.submit(() -> db.submit(() -> db.pipelined(COPY, RETURNED, Map.of("k", key), WritePipelineTest::row)).get()));
        }
        for (int k = 1; k <= 200; k++) {
            Optional<Map<String, Object>> row = rows.get(k - 1).get(30, TimeUnit.SECONDS);
            if (k % 2 == 1) {
                assertThat(row).as("k %d", k).get().isEqualTo(Map.of("k", k + 1000, "doubled", 2L * k));
            } else {
                assertThat(row).as("k %d", k).isEmpty();
            }
        }
    }

    @Test
    void aQueuedStatementIsSentBeforeTheNextStatementOfItsBatch() {
        long seen = db.submit(() -> {
            Database.Pending<Optional<Map<String, Object>>> row = insert(7, 70);
            if (db.dialect().pipelinesBatches()) {
                assertThatThrownBy(row::get).as("queued, not sent yet").isInstanceOf(IllegalStateException.class);
            } else {
                assertThat(row.get()).get().isEqualTo(Map.of("k", 7, "doubled", 140L));
            }
            return db.write().sql("SELECT COUNT(*) FROM probe WHERE k = 7").query(Long.class).single();
        });
        assertThat(seen).isEqualTo(1);
    }

    @Test
    void aFailingStatementFailsOnlyItsOwnCaller() throws Exception {
        db.submit(() -> insert(100, 1)).get();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = occupyTheWriterUntil(release);
        List<Future<Map<String, Object>>> good = new ArrayList<>();
        for (int k = 101; k <= 106; k++) {
            int key = k;
            good.add(callers.submit(() -> db.submit(() -> insert(key, key)).get().orElseThrow()));
        }
        Future<Optional<Map<String, Object>>> duplicate = callers.submit(() -> db.submit(() -> insert(100, 2)).get());
        awaitWaiting(7);
        release.countDown();

        assertThat(blocker.get(30, TimeUnit.SECONDS)).isNotNull();
        for (int k = 101; k <= 106; k++) {
            assertThat(good.get(k - 101).get(30, TimeUnit.SECONDS)).containsEntry("k", k);
        }
        assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DataAccessException.class);
        assertThat(count()).isEqualTo(8);
        assertThat(db.read().sql("SELECT v FROM probe WHERE k = 100").query(Long.class).single()).isEqualTo(1);
    }

    /**
     * Two instances' batches lock rows in the order of their units, so a batch must not wait for
     * a lock held elsewhere while holding others (they could wait for each other in a circle).
     */
    @Test
    @Tag("server-db")
    void aUnitWaitingForALockHeldElsewhereDoesNotHoldUpItsBatch() throws Exception {
        db.submit(() -> insert(500, 1)).get();
        try (Connection elsewhere = dataSource.getConnection()) {
            elsewhere.setAutoCommit(false);
            try (Statement st = elsewhere.createStatement()) {
                st.executeQuery("SELECT v FROM probe WHERE k = 500 FOR UPDATE").close();
            }
            CountDownLatch release = new CountDownLatch(1);
            Future<?> blocker = occupyTheWriterUntil(release);
            Future<Map<String, Object>> before = callers.submit(() -> db.submit(() -> insert(501, 1)).get().orElseThrow());
            awaitWaiting(1);
            Future<Integer> locked = callers.submit(() -> db.submit(
                    () -> db.write().sql("UPDATE probe SET v = v + 1 WHERE k = 500").update()));
            awaitWaiting(2);
            Future<Map<String, Object>> after = callers.submit(() -> db.submit(() -> insert(502, 1)).get().orElseThrow());
            awaitWaiting(3);
            release.countDown();

            assertThat(blocker.get(30, TimeUnit.SECONDS)).isNotNull();
            assertThat(before.get(30, TimeUnit.SECONDS)).containsEntry("k", 501);
            assertThat(after.get(30, TimeUnit.SECONDS)).containsEntry("k", 502);
            assertThat(locked).as("still waiting for the lock held elsewhere").isNotDone();
            elsewhere.commit();
            assertThat(locked.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(db.read().sql("SELECT v FROM probe WHERE k = 500").query(Long.class).single()).isEqualTo(2);
    }

    /**
     * A circle: the batch runs in savepoints (C fails on a duplicate key), A holds row 700, and D
     * asks for row 701 while another connection, holding 701, waits for 700. D's wait fails at once
     * (MariaDB: before any deadlock is detected), D runs again after the batch, and nobody's work
     * is lost or waits for ever.
     */
    @Test
    @Tag("server-db")
    void aUnitClosingACircleOfLockWaitsRunsAgainAndNothingIsLost() throws Exception {
        db.write().sql("INSERT INTO probe (k, v) VALUES (700, 0), (701, 0)").update();
        try (Connection elsewhere = dataSource.getConnection()) {
            elsewhere.setAutoCommit(false);
            try (Statement st = elsewhere.createStatement()) {
                st.executeUpdate("UPDATE probe SET v = v + 10 WHERE k = 701");
            }
            CountDownLatch release = new CountDownLatch(1);
            Future<?> blocker = occupyTheWriterUntil(release);
            AtomicInteger runsOfB = new AtomicInteger();
            CountDownLatch bRunsAgain = new CountDownLatch(1);
            CountDownLatch goOn = new CountDownLatch(1);
            Future<Integer> a = callers.submit(() -> db.submit(() -> increment(700)));
            awaitWaiting(1);
            Future<Integer> b = callers.submit(() -> db.submit(() -> {
                if (runsOfB.incrementAndGet() == 2) {
                    bRunsAgain.countDown();
                    await(goOn);
                }
                return 0;
            }));
            awaitWaiting(2);
            Future<?> c = callers.submit(() -> db.submit(() -> insert(700, 9)).get());
            awaitWaiting(3);
            Future<Integer> d = callers.submit(() -> db.submit(() -> increment(701)));
            awaitWaiting(4);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);

            await(bRunsAgain);
            Future<Integer> elsewhereWaits = callers.submit(() -> {
                try (Statement st = elsewhere.createStatement()) {
                    return st.executeUpdate("UPDATE probe SET v = v + 10 WHERE k = 700");
                }
            });
            Thread.sleep(500);
            assertThat(elsewhereWaits).as("the other connection waits for row 700, which A holds").isNotDone();
            goOn.countDown();
            assertThat(elsewhereWaits.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            elsewhere.commit();

            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(b.get(30, TimeUnit.SECONDS)).isZero();
            assertThatThrownBy(() -> c.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DataAccessException.class);
            assertThat(d.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(value(700)).as("A's +1 and the other connection's +10").isEqualTo(11);
        assertThat(value(701)).as("D's +1 and the other connection's +10").isEqualTo(11);
    }

    /**
     * MySQL/MariaDB may roll back a whole transaction where PostgreSQL rolls back one statement (a
     * deadlock; a lock wait timeout under {@code innodb_rollback_on_timeout=ON}). Then the units
     * that ran before the failing one are no longer in, and none may be answered as done: the
     * whole batch runs again. B here ends the transaction itself, as the server would.
     */
    @Test
    @Tag("server-db")
    void whenTheDatabaseRollsBackTheWholeBatchEveryUnitRunsAgain() throws Exception {
        db.write().sql("INSERT INTO probe (k, v) VALUES (800, 0)").update();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = occupyTheWriterUntil(release);
        AtomicInteger runsOfB = new AtomicInteger();
        Future<Integer> a = callers.submit(() -> db.submit(() -> increment(800)));
        awaitWaiting(1);
        Future<Integer> b = callers.submit(() -> db.submit(() -> {
            switch (runsOfB.incrementAndGet()) {
                case 1 -> throw new IllegalStateException("fails once, so that the batch runs in savepoints");
                case 2 -> {
                    db.write().sql("ROLLBACK").update();
                    throw new IllegalStateException("the transaction was rolled back");
                }
                default -> {
                    return 0;
                }
            }
        }));
        awaitWaiting(2);
        release.countDown();
        blocker.get(30, TimeUnit.SECONDS);

        assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(value(800)).as("A's work is in, as A was told").isEqualTo(1);
        assertThat(b.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(runsOfB).hasValue(3);
    }

    /**
     * A batch makes its lock waits fail fast; on MySQL/MariaDB that setting belongs to the
     * connection, not to the transaction, and must not go back into the pool with it.
     */
    @Test
    @Tag("server-db")
    void connectionsTheWriterUsedWaitForLocksAgain() throws Exception {
        db.submit(() -> insert(600, 1)).get();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = occupyTheWriterUntil(release);
        List<Future<?>> units = new ArrayList<>();
        for (int k = 601; k <= 603; k++) {
            int key = k;
            units.add(callers.submit(() -> db.submit(() -> insert(key, 1)).get()));
        }
        // a duplicate key: the batch runs again in savepoints, the other path that makes waits fail
        Future<?> duplicate = callers.submit(() -> db.submit(() -> insert(600, 2)).get());
        awaitWaiting(4);
        release.countDown();
        blocker.get(30, TimeUnit.SECONDS);
        for (Future<?> unit : units) {
            unit.get(30, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DataAccessException.class);

        int poolSize = dataSource.getMaximumPoolSize();
        try (Connection elsewhere = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
                dataSource.getPassword()); ExecutorService requests = Executors.newFixedThreadPool(poolSize)) {
            elsewhere.setAutoCommit(false);
            try (Statement st = elsewhere.createStatement()) {
                st.executeQuery("SELECT v FROM probe WHERE k = 600 FOR UPDATE").close();
            }
            // as many requests as the pool has connections: each holds one while it waits
            List<Future<Integer>> updates = new ArrayList<>();
            for (int i = 0; i < poolSize; i++) {
                updates.add(requests.submit(() -> db.inTransaction(
                        () -> db.write().sql("UPDATE probe SET v = v + 1 WHERE k = 600").update())));
            }
            Thread.sleep(500);
            assertThat(updates).as("every pooled connection waits for the lock held elsewhere").noneMatch(Future::isDone);
            elsewhere.commit();
            for (Future<Integer> update : updates) {
                assertThat(update.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
        assertThat(db.read().sql("SELECT v FROM probe WHERE k = 600").query(Long.class).single()).isEqualTo(1 + poolSize);
    }

    /** A unit that runs (on the writer, with group commit) until {@code release}; what is submitted next waits. */
    private Future<?> occupyTheWriterUntil(CountDownLatch release) {
        CountDownLatch running = new CountDownLatch(1);
        Future<?> blocker = callers.submit(() -> db.submit(() -> {
            running.countDown();
            await(release);
            return insert(1, 1);
        }).get());
        await(running);
        return blocker;
    }

    private Database.Pending<Optional<Map<String, Object>>> insert(int k, long v) {
        return db.pipelined(INSERT, RETURNED, Map.of("k", k, "v", v), WritePipelineTest::row);
    }

    private static Map<String, Object> row(Map<String, Object> columns) {
        return Map.of("k", ((Number) columns.get("k")).intValue(), "doubled", ((Number) columns.get("doubled")).longValue());
    }

    private int increment(int k) {
        return db.write().sql("UPDATE probe SET v = v + 1 WHERE k = :k").param("k", k).update();
    }

    private long value(int k) {
        return db.read().sql("SELECT v FROM probe WHERE k = :k").param("k", k).query(Long.class).single();
    }

    private long count() {
        return db.read().sql("SELECT COUNT(*) FROM probe").query(Long.class).single();
    }

    /** With group commit: until that many units wait behind the blocked batch, so they run as one. */
    private void awaitWaiting(int units) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.waitingUnits() < units && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(db.waitingUnits()).isEqualTo(units);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
