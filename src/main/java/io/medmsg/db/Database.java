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

    Database(Dialect dialect, JdbcClient write, JdbcClient read, TransactionTemplate transactions,
            AutoCloseable readerPool) {
        this.readerPool = readerPool;
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

    @Override
    public void close() throws Exception {
        if (readerPool != null) {
            readerPool.close();
        }
    }
}
