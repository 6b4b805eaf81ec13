package io.medmsg.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.springframework.core.Ordered;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the repositories reach the database: {@link #write()} runs inside {@link #inTransaction},
 * {@link #read()} may be a separate pool (on SQLite, readers never queue behind the single
 * writer connection).
 */
public final class Database implements AutoCloseable {

    private final Dialect dialect;
    private final JdbcClient write;
    private final JdbcClient read;
    private final TransactionTemplate transactions;
    private final AutoCloseable readerPool;
    private final GroupCommitter groupCommitter;
    private final Outages outages;
    private final WriteHealth health;
    private final NamedParameterJdbcTemplate batches;
    /**
     * Where scripts run (MySQL/MariaDB): the batch's {@link Dialect#lockWaitsFail}, not sent yet. It
     * goes as the first statement of the writer's next script, else alone before its next other
     * statement: a round trip of its own was 7 % of the writer's time (docs/benchmarks.md). Writer
     * thread only.
     */
    private String heldLockWaitsFail;

    /**
     * {@code batchSizes} hears the number of units of each group-commit batch; {@code commitDelay}
     * is how long the writer may wait for company before a batch ({@link GroupCommitter}).
     */
    Database(Dialect dialect, JdbcClient write, NamedParameterJdbcTemplate batches, JdbcClient read,
            TransactionTemplate transactions, AutoCloseable readerPool, Outages outages, WriteHealth health,
            IntConsumer batchSizes, Duration commitDelay) {
        this.readerPool = readerPool;
        this.outages = outages;
        this.health = health;
        this.batches = batches;
        this.dialect = dialect;
        this.write = write;
        this.read = read;
        this.transactions = transactions;
        this.groupCommitter = new GroupCommitter(dialect, transactions, new WritePipeline(), 256, 4096,
                new WriterLockWaits(), outages, batchSizes, commitDelay);
        health.probeWith(this::probeWrites);
    }

    /**
     * The writer's lock waits ({@link BatchRunner}). Where the dialect opens the writer's own
     * connection with {@link Dialect#writerConnectionInit}, every writer transaction begins with
     * them failing: the data source given for the writes routes the writer to that connection
     * ({@link WriterRouting}, built so by {@code DatabaseConfig}).
     */
    private final class WriterLockWaits implements LockWaits {

        @Override
        public boolean failFromTheStart() {
            return dialect.writerConnectionInit() != null;
        }

        @Override
        public void fail() {
            String fail = dialect.lockWaitsFail();
            if (fail == null) {
                return;
            }
            String restore = dialect.lockWaitsRestore();
            if (restore != null) {
                // registered before the SET: however the transaction ends, the session is put right
                // before its connection goes back to the pool
                TransactionSynchronizationManager.registerSynchronization(new LockWaitsRestored(restore));
            }
            if (dialect.runsScripts()) {
                flushPipeline();
                heldLockWaitsFail = fail;
                return;
            }
            write().sql(fail).update();
        }

        @Override
        public void allow() {
            write().sql(dialect.lockWaitsAllow()).update();
        }
    }

    /**
     * Puts lock waits back as usual where {@link Dialect#lockWaitsFail} outlives the transaction:
     * before the work done at commit, else when the transaction ends. The work at commit is the
     * audit records' INSERT … SELECT ({@code records.AuditRepository}), which on MySQL/MariaDB
     * takes the table's AUTO-INC lock; another instance's commit holds that lock for the length
     * of one such statement, and with waits failing at once the whole batch failed (error 1467),
     * every unit with it, after their work was done. Waiting for it cannot close a circle: its
     * holder is one statement that reads without locks (READ COMMITTED) and waits for nothing.
     */
    private final class LockWaitsRestored implements TransactionSynchronization {
        private final String restore;
        private boolean restored;

        LockWaitsRestored(String restore) {
            this.restore = restore;
        }

        @Override
        public int getOrder() {
            // before the other synchronizations' work at commit
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            restoreUnlessNeverSet();
            restored = true;
        }

        @Override
        public void afterCompletion(int status) {
            if (!restored) {
                // the transaction's connection is still bound here, and is released after this
                restoreUnlessNeverSet();
            }
        }

        /** A fail still held was never sent: the session's setting is as it was. */
        private void restoreUnlessNeverSet() {
            if (takeHeldLockWaitsFail() == null) {
                write.sql(restore).update();
            }
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    public JdbcClient write() {
        flushPipeline();
        return write;
    }

    public JdbcClient read() {
        flushPipeline();
        return read;
    }

    /** Values bound per IN list: well under every database's limit on a statement's parameters. */
    private static final int IN_CHUNK = 500;

    /**
     * Reads the rows of {@code sql}, whose named parameter {@code param} is an IN list, for any
     * number of distinct values: a chunk of them per query, the rows of all chunks in one list in
     * no particular order.
     */
    public <T> List<T> readIn(String sql, String param, Collection<String> values,
            org.springframework.jdbc.core.RowMapper<T> mapper) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(values));
        List<T> rows = new ArrayList<>(distinct.size());
        for (int from = 0; from < distinct.size(); from += IN_CHUNK) {
            rows.addAll(read().sql(sql).param(param, distinct.subList(from, Math.min(distinct.size(), from + IN_CHUNK)))
                    .query(mapper).list());
        }
        return rows;
    }

    /**
     * Writes a module gathers over the units of a group-commit batch and sends its own way, in
     * fewer statements than one unit at a time would take (the batch's appends: on PostgreSQL
     * {@code chat.AppendStatement}, on MySQL/MariaDB {@code chat.AppendBatch}). They are sent before
     * any other statement of the batch and before its commit, so every statement still sees the
     * ones before it, and forgotten if the batch rolls back. Writer thread only.
     */
    public interface Deferred {

        /** Sends what was gathered (once). */
        void flush();

        /** Forgets what was gathered: its transaction is being rolled back. */
        void discard();
    }

    /**
     * Whether the calling unit may gather writes for later in its batch ({@link #deferred}): in a
     * group-commit batch that runs without savepoints, where a failure reruns every unit.
     */
    public boolean deferring() {
        return groupCommitter.pipelining();
    }

    /** The batch's gathering of {@code kind}: the one under way, else one {@code start} makes. Only while {@link #deferring}. */
    public <D extends Deferred> D deferred(Class<D> kind, Supplier<D> start) {
        if (!deferring()) {
            throw new IllegalStateException("writes are gathered only in a group-commit batch without savepoints");
        }
        return groupCommitter.pipeline().deferred(kind, start);
    }

    /**
     * One statement executed once per row of {@code rows}, as one JDBC batch on the writer (in its
     * transaction, after whatever was gathered: {@link #deferred}).
     */
    public void batchUpdate(String sql, org.springframework.jdbc.core.namedparam.SqlParameterSource[] rows) {
        flushPipeline();
        batches.batchUpdate(sql, rows);
    }

    /**
     * Like {@link #batchUpdate}, for an {@code INSERT … SELECT}: one JDBC batch where the database
     * takes one, else one execution per row ({@link Dialect#batchesInsertSelect}).
     */
    public void batchInsertSelect(String sql, org.springframework.jdbc.core.namedparam.SqlParameterSource[] rows) {
        if (dialect.batchesInsertSelect()) {
            batchUpdate(sql, rows);
            return;
        }
        for (org.springframework.jdbc.core.namedparam.SqlParameterSource row : rows) {
            write().sql(sql).paramSource(row).update();
        }
    }

    /** Units of work waiting for the group-commit writer (for tests). */
    int waitingUnits() {
        return groupCommitter.waiting();
    }

    /** As {@link #waitingUnits}, only those that virtual threads (requests) queued (for tests). */
    int waitingUnitsOfVirtualThreads() {
        return groupCommitter.waitingOfVirtualThreads();
    }

    /** Before any other statement on the writer: the queued ones go first, in order. */
    private void flushPipeline() {
        if (groupCommitter.onWriterThread()) {
            groupCommitter.pipeline().flush();
            sendHeldLockWaitsFail();
        }
    }

    private void sendHeldLockWaitsFail() {
        String fail = takeHeldLockWaitsFail();
        if (fail != null) {
            write.sql(fail).update();
        }
    }

    private String takeHeldLockWaitsFail() {
        String held = heldLockWaitsFail;
        heldLockWaitsFail = null;
        return held;
    }

    public <T> T inTransaction(Supplier<T> work) {
        return outcome(() -> transactions.execute(status -> work.get()));
    }

    /**
     * Runs {@code work} in a transaction and returns once it has committed. The work is
     * group-committed with other callers' work (see {@link GroupCommitter}): it runs on the writer
     * thread, so it must take everything it needs as arguments, not from thread-locals, and must
     * have no effect outside the database (it may run again).
     */
    public <T> T submit(Supplier<T> work) {
        return outcome(() -> groupCommitter.submit(work));
    }

    /**
     * As {@link #submit}, but returns as soon as the work is queued, and the work may wait up to
     * {@code medmsg.db.commit-delay} for other such work to share its commit ({@link GroupCommitter}):
     * for a small write whose caller has other things to do meanwhile (a read's audit record). The
     * caller then {@link Committing#await}s the commit, which answers as {@link #submit} would have
     * (the result, or the failure translated as for any write).
     */
    public <T> Committing<T> submitLater(Supplier<T> work) {
        CompletableFuture<T> committed = groupCommitter.enqueue(work, true);
        return () -> outcome(() -> GroupCommitter.await(committed));
    }

    /** Work queued for the group commit ({@link #submitLater}). */
    @FunctionalInterface
    public interface Committing<T> {
        /** Returns once the work has committed, with its result; throws what it failed with. */
        T await();
    }

    /**
     * Runs a transaction and tells {@link WriteHealth} how it went: committed, or failed because
     * the database is unreachable or full, which is then thrown as a {@code DependencyFailure}
     * (the transaction manager reports a connection it could not get, or a commit that failed,
     * in its own exceptions, which the repositories' translator never sees).
     */
    private <T> T outcome(Supplier<T> transaction) {
        T result;
        try {
            result = transaction.get();
        } catch (RuntimeException e) {
            RuntimeException failure = outages.translate(e);
            if (failure instanceof io.medmsg.shared.DependencyFailure outage) {
                health.failed(outage);
            }
            throw failure;
        }
        health.succeeded();
        return result;
    }

    private static final String PROBE_INSERT = "INSERT INTO server_secrets (name, value) VALUES ('write-probe', :value)";
    private static final String PROBE_DELETE = "DELETE FROM server_secrets WHERE name = 'write-probe'";

    /**
     * A write as small as a send's, group-committed like one, that leaves nothing behind: whether
     * writes can be made durable again after they failed ({@link WriteHealth}). It inserts a row,
     * so on a full disk it needs room as a send does.
     */
    private void probeWrites(WriteHealth health) {
        try {
            submit(() -> {
                write().sql(PROBE_INSERT).param("value", "p".repeat(128)).update();
                return write().sql(PROBE_DELETE).update();
            });
        } catch (RuntimeException stillFailing) {
            // submit has told the health what it was; the next check probes again
        }
    }

    /**
     * Runs an UPDATE and returns one numeric column of the updated row, read under the row lock
     * the UPDATE took: with RETURNING where the database has it, else with a second SELECT.
     */
    public long updateReturning(String update, String column, String selectAfter, java.util.Map<String, ?> params) {
        return updateReturningRow(update, column, selectAfter, params, (rs, n) -> rs.getLong(1))
                .orElseThrow(() -> new org.springframework.dao.EmptyResultDataAccessException(1));
    }

    /**
     * Runs an UPDATE of at most one row and maps the columns {@code returning} of it, read under
     * the row lock the UPDATE took (RETURNING, or {@code selectAfter} where the database has no
     * RETURNING, sent with the UPDATE as one script where it runs scripts); empty when the UPDATE
     * changed no row.
     */
    public <T> Optional<T> updateReturningRow(String update, String returning, String selectAfter,
            java.util.Map<String, ?> params, org.springframework.jdbc.core.RowMapper<T> mapper) {
        flushPipeline();
        if (dialect.hasUpdateReturning()) {
            return write.sql(update + " RETURNING " + returning).params(params).query(mapper).optional();
        }
        if (dialect.runsScripts()) {
            // both in one round trip; the SELECT's row counts only if the UPDATE changed one
            return runScript(update + ";\n" + selectAfter, params, statement -> {
                int changed = statement.getUpdateCount();
                Optional<T> row = lastRow(statement, mapper);
                return changed == 0 ? Optional.<T>empty() : row;
            });
        }
        if (write.sql(update).params(params).update() == 0) {
            return Optional.empty();
        }
        return write.sql(selectAfter).params(params).query(mapper).optional();
    }

    /**
     * A script: several statements separated by semicolons, sent to the server as one round trip
     * ({@link Dialect#runsScripts}) on the writer, in its transaction. The server runs them in
     * order and stops at the first that fails, whose failure is thrown as a single statement's
     * would be. The row of its last statement, a SELECT of at most one row, mapped by {@code row};
     * empty when it returns none.
     */
    public <T> Optional<T> script(String sql, Map<String, ?> params, RowMapper<T> row) {
        return runScript(sql, params, statement -> lastRow(statement, row));
    }

    /**
     * A script ({@link #script(String, Map, RowMapper)}) whose every statement's result the
     * {@code reader} takes in order: an update count, or a SELECT's rows.
     */
    public <T> T scriptResults(String sql, Map<String, ?> params, ScriptReader<T> reader) {
        return runScript(sql, params, statement -> reader.read(new ScriptResults(statement)));
    }

    /** Reads a script's results ({@link #scriptResults}). */
    @FunctionalInterface
    public interface ScriptReader<T> {
        T read(ScriptResults results) throws SQLException;
    }

    /** A script's results, taken one statement at a time, in the script's order. */
    public static final class ScriptResults {
        private final PreparedStatement statement;

        private ScriptResults(PreparedStatement statement) {
            this.statement = statement;
        }

        /** The next statement's update count: it must be an INSERT, UPDATE or DELETE. */
        public int updateCount() throws SQLException {
            int count = statement.getResultSet() == null ? statement.getUpdateCount() : -1;
            if (count == -1) {
                throw new IllegalStateException("the script's next result is not an update count");
            }
            statement.getMoreResults();
            return count;
        }

        /** The next statement's rows: it must be a SELECT. */
        public <T> List<T> rows(RowMapper<T> mapper) throws SQLException {
            List<T> rows = new ArrayList<>();
            ResultSet rs = statement.getResultSet();
            if (rs == null) {
                throw new IllegalStateException("the script's next result has no rows");
            }
            while (rs.next()) {
                rows.add(mapper.mapRow(rs, rows.size()));
            }
            statement.getMoreResults();
            return rows;
        }
    }

    /** A script of writes only: as {@link #script(String, Map, RowMapper)}, with no SELECT. */
    public void script(String sql, Map<String, ?> params) {
        runScript(sql, params, statement -> {
            if (nextRows(statement)) {
                throw new IllegalStateException("a script of writes returned rows");
            }
            return null;
        });
    }

    private <T> T runScript(String sql, Map<String, ?> params, PreparedStatementCallback<T> results) {
        if (!dialect.runsScripts()) {
            throw new IllegalStateException(dialect + " does not run scripts");
        }
        String held = null;
        if (groupCommitter.onWriterThread()) {
            groupCommitter.pipeline().flush();
            // the held SET goes first in the same round trip, its result skipped
            held = takeHeldLockWaitsFail();
        }
        String prefix = held;
        return batches.execute(prefix == null ? sql : prefix + ";\n" + sql, params, statement -> {
            statement.execute();
            if (prefix != null) {
                statement.getMoreResults();
            }
            return results.doInPreparedStatement(statement);
        });
    }

    /** The row of the script's SELECT, the next result that has rows. */
    private static <T> Optional<T> lastRow(PreparedStatement statement, RowMapper<T> row) throws SQLException {
        if (!nextRows(statement)) {
            throw new IllegalStateException("the script ended without a SELECT");
        }
        try (ResultSet rows = statement.getResultSet()) {
            return rows.next() ? Optional.ofNullable(row.mapRow(rows, 0)) : Optional.empty();
        }
    }

    /** Moves past the update counts to the next rows: false when the script has no more results. */
    private static boolean nextRows(PreparedStatement statement) throws SQLException {
        boolean isRows = statement.getResultSet() != null;
        while (!isRows && statement.getUpdateCount() != -1) {
            isRows = statement.getMoreResults();
        }
        return isRows;
    }

    /** What a {@link Deferred} wrote, once it has been sent; or a value known at once ({@link #of}). */
    public static final class Pending<T> {
        private T value;
        private boolean known;

        Pending() {
        }

        public static <T> Pending<T> of(T value) {
            Pending<T> pending = new Pending<>();
            pending.set(value);
            return pending;
        }

        /** Not known yet: its {@link Deferred} sets it when it flushes. */
        public static <T> Pending<T> unknown() {
            return new Pending<>();
        }

        public void set(T value) {
            this.value = value;
            this.known = true;
        }

        public T get() {
            if (!known) {
                throw new IllegalStateException("the statement has not been sent yet");
            }
            return value;
        }
    }

    @Override
    public void close() throws Exception {
        groupCommitter.close();
        if (readerPool != null) {
            readerPool.close();
        }
    }
}
