package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.medmsg.support.TestDatabase;

/**
 * A group-commit {@link Database} over one table, {@code probe (k, v)}, in a fresh database of
 * this JVM's kind: the fixture of the tests of what a batch does with the writes its units gather
 * ({@link WritePipelineTest}) and with locks held elsewhere ({@link BatchLockTest}).
 */
abstract class ProbeDatabase {

    static final String INSERT = "INSERT INTO probe (k, v) VALUES (:k, :v) RETURNING k, v * 2 AS doubled";
    /** Copies row k to k + 1000, if there is a row k. */
    static final String COPY = "INSERT INTO probe (k, v) SELECT k + 1000, v FROM probe WHERE k = :k RETURNING k, v * 2 AS doubled";

    @TempDir
    Path dir;
    /** The pool: what the writer's connection (routing) is not. */
    HikariDataSource dataSource;
    WriterRouting routing;
    Database db;
    final ExecutorService callers = Executors.newFixedThreadPool(8);

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
            dataSource.setDataSourceProperties(Dialect.fromUrl(fresh.url()).connectionProperties());
            dataSource.setMaximumPoolSize(10);
        }
        Dialect dialect = Dialect.fromUrl(dataSource.getJdbcUrl());
        // as DatabaseConfig builds it: where the writer has a connection of its own, through it
        routing = dialect.writerOwnsConnection()
                ? WriterRouting.of(dataSource, dialect.writerConnectionInit(), !dialect.writerLeavesAutoCommit(), null)
                : null;
        DataSource writes = routing == null ? dataSource : routing;
        JdbcClient jdbc = JdbcClient.create(writes);
        jdbc.sql("CREATE TABLE probe (k INT PRIMARY KEY, v BIGINT NOT NULL)").update();
        db = new Database(dialect, jdbc, new NamedParameterJdbcTemplate(writes), jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(writes)), null, new Outages(dialect),
                new WriteHealth(), size -> { }, Duration.ZERO);
    }

    @AfterEach
    void close() throws Exception {
        callers.shutdownNow();
        db.close();
        if (routing != null) {
            routing.close();
        } else {
            dataSource.close();
        }
    }
    /** A unit that runs (on the writer, with group commit) until {@code release}; what is submitted next waits. */
    Future<?> occupyTheWriterUntil(CountDownLatch release) {
        CountDownLatch running = new CountDownLatch(1);
        Future<?> blocker = callers.submit(() -> db.submit(() -> {
            running.countDown();
            await(release);
            return insert(1, 1);
        }).get());
        await(running);
        return blocker;
    }

    Database.Pending<Optional<Map<String, Object>>> insert(int k, long v) {
        return gathered(INSERT, Map.of("k", k, "v", v));
    }

    /**
     * A statement that changes at most one row and returns it ({@link #INSERT}, {@link #COPY}), as
     * a batch's appends are written: in a group-commit batch without savepoints, gathered
     * ({@link Database#deferred}) and sent with the batch's others before its next other statement or
     * its commit, one after another; else at once.
     */
    Database.Pending<Optional<Map<String, Object>>> gathered(String sql, Map<String, ?> params) {
        if (db.deferring()) {
            return db.deferred(Statements.class, () -> new Statements(db)).add(sql, params);
        }
        return Database.Pending.of(run(db, sql, params));
    }

    private static Optional<Map<String, Object>> run(Database db, String sql, Map<String, ?> params) {
        return db.write().sql(sql).params(params).query((rs, n) -> Map.<String, Object>of("k", rs.getInt("k"),
                "doubled", rs.getLong("doubled"))).optional();
    }

    /** A batch's gathered statements, run in the order gathered when the batch sends them. */
    private static final class Statements implements Database.Deferred {
        private final Database db;
        private final List<Runnable> gathered = new ArrayList<>();

        Statements(Database db) {
            this.db = db;
        }

        Database.Pending<Optional<Map<String, Object>>> add(String sql, Map<String, ?> params) {
            Database.Pending<Optional<Map<String, Object>>> row = Database.Pending.unknown();
            gathered.add(() -> row.set(run(db, sql, params)));
            return row;
        }

        @Override
        public void flush() {
            gathered.forEach(Runnable::run);
            gathered.clear();
        }

        @Override
        public void discard() {
            gathered.clear();
        }
    }

    int increment(int k) {
        return db.write().sql("UPDATE probe SET v = v + 1 WHERE k = :k").param("k", k).update();
    }

    long value(int k) {
        return db.read().sql("SELECT v FROM probe WHERE k = :k").param("k", k).query(Long.class).single();
    }

    long count() {
        return db.read().sql("SELECT COUNT(*) FROM probe").query(Long.class).single();
    }

    /** With group commit: until that many units wait behind the blocked batch, so they run as one. */
    void awaitWaiting(int units) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.waitingUnits() < units && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(db.waitingUnits()).isEqualTo(units);
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
