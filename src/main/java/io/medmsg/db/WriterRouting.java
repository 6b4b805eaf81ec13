package io.medmsg.db;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The pool, except on a group-commit writer thread, which gets a connection of its own, opened
 * with {@link Dialect#writerConnectionInit}: every batch's transaction then begins with lock waits
 * failing, and no batch spends a round trip on setting that ({@link BatchRunner}); and, on
 * MySQL/MariaDB, out of auto-commit, which no batch then switches off and on
 * ({@link Dialect#writerLeavesAutoCommit}). The other
 * threads' connections keep the database's own setting: a read waiting behind another instance's
 * migration, or a migration waiting for the running instances' transactions, still waits.
 *
 * <p>Everything finds the writer's connection through this one data source: the transaction
 * manager binds it to the writer thread under this key, and the writer's statements look it up so.
 */
final class WriterRouting extends DelegatingDataSource implements AutoCloseable {

    private final HikariDataSource pool;
    private final HikariDataSource writer;

    private WriterRouting(HikariDataSource pool, HikariDataSource writer) {
        super(pool);
        this.pool = pool;
        this.writer = writer;
    }

    /**
     * Routes the writer to a pool of one connection, configured as {@code pool} is but opened with
     * {@code init} (none if null) and in auto-commit or not; the data source of every other thread
     * stays {@code pool}. With {@code meters},
     * the writer's pool has the {@code hikaricp_*} metrics that Spring Boot gives the pool
     * ({@code pool="medmsg-for-writer"}): Boot finds only the data source beans' pools.
     */
    static WriterRouting of(HikariDataSource pool, String init, boolean autoCommit, MeterRegistry meters) {
        HikariConfig config = new HikariConfig();
        pool.copyStateTo(config);
        config.setPoolName(pool.getPoolName() + "-for-writer");
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        config.setConnectionInitSql(init);
        config.setAutoCommit(autoCommit);
        if (meters != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        }
        return new WriterRouting(pool, new HikariDataSource(config));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return GroupCommitter.onAWriterThread() ? writer.getConnection() : pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return GroupCommitter.onAWriterThread() ? writer.getConnection(username, password)
                : pool.getConnection(username, password);
    }

    @Override
    public void close() {
        writer.close();
        pool.close();
    }
}
