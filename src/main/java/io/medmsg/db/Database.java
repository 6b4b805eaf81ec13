package io.medmsg.db;

import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;
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

    Database(Dialect dialect, JdbcClient write, JdbcClient read, TransactionTemplate transactions,
            AutoCloseable readerPool) {
        this.readerPool = readerPool;
        String followers = dialect.batchFollowerLockTimeout();
        this.groupCommitter = dialect.groupCommits() ? new GroupCommitter(transactions, 256, 4096,
                followers == null ? () -> { } : () -> write.sql(followers).update()) : null;
        this.dialect = dialect;
        this.write = write;
        this.read = read;
        this.transactions = transactions;
    }

    public Dialect dialect() {
        return dialect;
    }

    public JdbcClient write() {
        return write;
    }

    public JdbcClient read() {
        return read;
    }

    public <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(status -> work.get());
    }

    /**
     * Runs {@code work} in a transaction and returns once it has committed. On SQLite and
     * PostgreSQL the work is group-committed with other callers' work (see {@link GroupCommitter}):
     * it then runs on the writer thread, so it must take everything it needs as arguments, not
     * from thread-locals, and must have no effect outside the database (it may run again).
     */
    public <T> T submit(Supplier<T> work) {
        return groupCommitter != null ? groupCommitter.submit(work) : inTransaction(work);
    }

    /**
     * Runs an UPDATE and returns one numeric column of the updated row, read under the row lock
     * the UPDATE took: with RETURNING where the database has it, else with a second SELECT.
     */
    public long updateReturning(String update, String column, String selectAfter, java.util.Map<String, ?> params) {
        if (dialect.hasUpdateReturning()) {
            return write.sql(update + " RETURNING " + column).params(params).query(Long.class).single();
        }
        if (write.sql(update).params(params).update() == 0) {
            throw new org.springframework.dao.EmptyResultDataAccessException(1);
        }
        return write.sql(selectAfter).params(params).query(Long.class).single();
    }

    @Override
    public void close() throws Exception {
        if (groupCommitter != null) {
            groupCommitter.close();
        }
        if (readerPool != null) {
            readerPool.close();
        }
    }
}
