package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.medmsg.support.TestDatabase;

/**
 * A group-commit batch and the locks held elsewhere ({@link BatchRunner}): a batch never waits for
 * a lock while holding others, a database that rolls back the whole transaction under one unit
 * loses nobody's work, and the writer's connections wait for locks normally again afterwards.
 * Server databases only: SQLite has one writer and no row locks.
 */
@Tag("db")
@ExtendWith(TestDatabase.Reachable.class)
class BatchLockTest extends ProbeDatabase {

    /**
     * Two instances' batches lock rows in the order of their units, so a batch must not wait for
     * a lock held elsewhere while holding others (they could wait for each other in a circle).
     */
    @Test
    @Tag("server-db")
    void aUnitWaitingForALockHeldElsewhereDoesNotHoldUpItsBatch() throws Exception {
        db.submit(() -> insert(500, 1)).get();
        try (Connection elsewhere = holdingRow(500)) {
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
     * Where scripts run (MySQL/MariaDB) the batch's setting that makes lock waits fail goes with the
     * writer's first script: a unit after a script meets the lock held elsewhere as quickly as after
     * a single statement, and the batch goes on without it.
     */
    @Test
    @Tag("server-db")
    void aUnitAfterAScriptDoesNotHoldUpItsBatchEither() throws Exception {
        db.submit(() -> insert(600, 1)).get();
        db.submit(() -> insert(601, 1)).get();
        try (Connection elsewhere = holdingRow(600)) {
            CountDownLatch release = new CountDownLatch(1);
            Future<?> blocker = occupyTheWriterUntil(release);
            Future<Integer> script = callers.submit(() -> db.submit(() -> twiceIncremented(601)));
            awaitWaiting(1);
            Future<Integer> locked = callers.submit(() -> db.submit(() -> increment(600)));
            awaitWaiting(2);
            Future<Map<String, Object>> after = callers.submit(() -> db.submit(() -> insert(602, 1)).get().orElseThrow());
            awaitWaiting(3);
            release.countDown();

            assertThat(blocker.get(30, TimeUnit.SECONDS)).isNotNull();
            assertThat(script.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(after.get(30, TimeUnit.SECONDS)).containsEntry("k", 602);
            assertThat(locked).as("still waiting for the lock held elsewhere").isNotDone();
            elsewhere.commit();
            assertThat(locked.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(value(601)).isEqualTo(3);
    }

    /** Row k incremented twice: by one script where the database runs scripts, else by two statements. */
    private int twiceIncremented(int k) {
        if (db.dialect().runsScripts()) {
            db.script("UPDATE probe SET v = v + 1 WHERE k = :k;\nUPDATE probe SET v = v + 1 WHERE k = :k", Map.of("k", k));
            return 1;
        }
        return increment(k) * increment(k);
    }

    /**
     * A unit alone in its batch holds no other lock, so it waits for one held elsewhere as long as
     * it takes, though the writer's own connection makes waits fail from a transaction's start.
     */
    @Test
    @Tag("server-db")
    void aUnitAloneWaitsForALockHeldElsewhereUntilItIsFree() throws Exception {
        db.submit(() -> insert(550, 1)).get();
        try (Connection elsewhere = holdingRow(550)) {
            Future<Integer> alone = callers.submit(() -> db.submit(
                    () -> db.write().sql("UPDATE probe SET v = v + 1 WHERE k = 550").update()));
            Thread.sleep(300);
            assertThat(alone).as("waits for the lock held elsewhere, far beyond a batch's 10 ms").isNotDone();
            elsewhere.commit();
            assertThat(alone.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(value(550)).isEqualTo(2);
    }

    /** Another connection, in a transaction that holds row {@code k} until it ends. */
    private Connection holdingRow(int k) throws SQLException {
        Connection elsewhere = dataSource.getConnection();
        elsewhere.setAutoCommit(false);
        try (Statement st = elsewhere.createStatement()) {
            st.executeQuery("SELECT v FROM probe WHERE k = " + k + " FOR UPDATE").close();
        }
        return elsewhere;
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
     * On MySQL/MariaDB an INSERT … SELECT takes its table's AUTO-INC lock for the length of the
     * statement, and an insert into that table from a batch, where waits fail at once, is refused
     * as "failed to read auto-increment value" (1467): a refused lock, so the unit runs again
     * first in the next batch, where it may wait. (PostgreSQL has no such lock: nothing waits.)
     */
    @Test
    @Tag("server-db")
    void aUnitRefusedTheAutoIncrementLockHeldElsewhereRunsAgain() throws Exception {
        createLogged();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = occupyTheWriterUntil(release);
        Future<Map<String, Object>> a = callers.submit(() -> db.submit(() -> insert(900, 1)).get().orElseThrow());
        awaitWaiting(1);
        Future<Integer> b = callers.submit(() -> db.submit(() -> logged(7)));
        awaitWaiting(2);
        try (Connection elsewhere = dataSource.getConnection()) {
            Future<Integer> slow = slowInsertIntoLogged(elsewhere);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);

            assertThat(a.get(30, TimeUnit.SECONDS)).containsEntry("k", 900);
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(loggedKeys()).containsExactlyInAnyOrder(1, 2, 7);
    }

    /**
     * What a transaction writes at commit (the audit records, in {@code beforeCommit}) waits for
     * locks as usual: on MySQL/MariaDB the AUTO-INC lock another commit holds for one statement.
     * With waits failing at once there, the commit failed and every unit of the batch with it.
     */
    @Test
    @Tag("server-db")
    void workAtCommitWaitsForTheAutoIncrementLockHeldElsewhere() throws Exception {
        createLogged();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = occupyTheWriterUntil(release);
        List<Future<Integer>> units = new ArrayList<>();
        for (int k = 11; k <= 13; k++) {
            int key = k;
            units.add(callers.submit(() -> db.submit(() -> {
                atCommit(() -> logged(key));
                return increment(1);
            })));
            awaitWaiting(units.size());
        }
        try (Connection elsewhere = dataSource.getConnection()) {
            Future<Integer> slow = slowInsertIntoLogged(elsewhere);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);

            for (Future<Integer> unit : units) {
                assertThat(unit.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(loggedKeys()).containsExactlyInAnyOrder(1, 2, 11, 12, 13);
        assertThat(value(1)).isEqualTo(1 + 3);
    }

    private void createLogged() {
        String id = db.dialect() == Dialect.MYSQL ? "BIGINT AUTO_INCREMENT" : "BIGSERIAL";
        db.write().sql("CREATE TABLE logged (id " + id + " PRIMARY KEY, k INT NOT NULL)").update();
    }

    /** One row into {@code logged} by INSERT … SELECT, the kind of insert that takes the AUTO-INC lock. */
    private int logged(int k) {
        return db.write().sql("INSERT INTO logged (k) SELECT :k").param("k", k).update();
    }

    private List<Integer> loggedKeys() {
        return db.read().sql("SELECT k FROM logged").query(Integer.class).list();
    }

    private static void atCommit(Runnable work) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                work.run();
            }
        });
    }

    /**
     * Inserts rows 1 and 2 into {@code logged} in one statement that sleeps a second between them
     * (MySQL/MariaDB: holding the table's AUTO-INC lock meanwhile); returns once it sleeps.
     */
    private Future<Integer> slowInsertIntoLogged(Connection elsewhere) throws Exception {
        boolean mysql = db.dialect() == Dialect.MYSQL;
        String sql = mysql
                ? "INSERT INTO logged (k) SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2) AS t WHERE SLEEP(n - 1) = 0"
                : "INSERT INTO logged (k) SELECT n FROM (VALUES (1), (2)) AS t (n), LATERAL (SELECT pg_sleep(n - 1)) AS s";
        Future<Integer> slow = callers.submit(() -> {
            try (Statement st = elsewhere.createStatement()) {
                return st.executeUpdate(sql);
            }
        });
        String sleeping = mysql
                ? "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User sleep' AND DB = DATABASE()"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.read().sql(sleeping).query(Long.class).single() == 0) {
            assertThat(System.nanoTime()).as("the slow insert sleeps").isLessThan(deadline);
            Thread.sleep(5);
        }
        return slow;
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
}
