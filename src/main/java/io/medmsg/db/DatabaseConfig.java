package io.medmsg.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.medmsg.config.MedMsgProperties;

/**
 * SQLite in the data directory unless {@code spring.datasource.url} names a server database.
 * SQLite gets one writer connection (SQLite allows one writer at a time, so queuing in the pool
 * instead of in SQLite's busy handler means no SQLITE_BUSY ever reaches a request) and a small
 * pool of readers, which WAL lets run beside the writer.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

    @Bean
    DatabaseTarget databaseTarget(Environment environment, MedMsgProperties properties) {
        String url = environment.getProperty("spring.datasource.url");
        if (url == null || url.isBlank()) {
            url = "jdbc:sqlite:" + properties.dataDir().resolve("medmsg.db");
        }
        if (url.startsWith("jdbc:mysql:")) {
            // the bundled driver is MariaDB Connector/J: it speaks to MySQL servers too, but
            // answers only to its own scheme
            url = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
        }
        Dialect dialect = Dialect.fromUrl(url);
        dialect.checkUrl(url);
        DataDirLock lock = dialect == Dialect.SQLITE ? DataDirLock.acquire(properties.dataDir()) : null;
        return new DatabaseTarget(url, dialect, lock);
    }

    @Bean
    StatementCounter statementCounter() {
        return new StatementCounter();
    }

    @Bean
    MeterBinder statementMetric(StatementCounter counter) {
        return registry -> FunctionCounter.builder("medmsg.db.statements", counter, StatementCounter::count)
                .description("statements sent to the database").register(registry);
    }

    /**
     * The writer's checkpoints at 4,000 pages of write-ahead log instead of SQLite's 1,000. The
     * commit that takes the log past the mark copies it into the database file and flushes both
     * before the group commit's callers hear of it; a batch of sends dirties 20 to 40 pages, so
     * with 1,000 one batch in every few dozen did. With 4,000 the log (up to 16 MB) is copied a
     * quarter as often, and a page written again and again in between (the sessions' indexes,
     * the change counters) once per copy: sends 1.15x (docs/benchmarks.md). 16,000 measured no
     * faster; checkpoints on a thread of their own beside the writer, 0.96x of this.
     */
    static final String SQLITE_WRITER_INIT_SQL = "PRAGMA wal_autocheckpoint = 4000";

    @Bean(destroyMethod = "close")
    @Primary
    DataSource dataSource(DatabaseTarget target, Environment environment, StatementCounter counter, MeterRegistry meters) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("medmsg");
        if (target.dialect() == Dialect.SQLITE) {
            config.setDataSource(counting(target.url(), sqlitePragmas(), null, null, counter, true));
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(60_000);
            config.setConnectionInitSql(SQLITE_WRITER_INIT_SQL);
        } else {
            config.setDataSource(counting(target.url(), target.dialect().connectionProperties(),
                    environment.getProperty("spring.datasource.username"),
                    environment.getProperty("spring.datasource.password"), counter, false));
            config.setMaximumPoolSize(20);
            // Each statement sees the latest commits (InnoDB's default is REPEATABLE READ, and a
            // PostgreSQL server may default to something stricter); the write paths rely on row
            // locks taken by UPDATE, not on snapshots, for their ordering (docs/deploy.md).
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(config));
            Dialect dialect = target.dialect();
            if (dialect.writerOwnsConnection()) {
                // the Database reads writerConnectionInit too: where there is one, its writer's
                // transactions begin with waits failing
                return WriterRouting.of(new HikariDataSource(config), dialect.writerConnectionInit(),
                        !dialect.writerLeavesAutoCommit(), meters);
            }
        }
        return new HikariDataSource(config);
    }

    @Bean
    WriteHealth writeHealth() {
        return new WriteHealth();
    }

    @Bean(destroyMethod = "close")
    Database database(DatabaseTarget target, DataSource dataSource, PlatformTransactionManager transactions,
            StatementCounter counter, WriteHealth writeHealth, MeterRegistry meters, Environment environment) {
        Outages outages = new Outages(target.dialect());
        JdbcTemplate writer = outages.install(new JdbcTemplate(dataSource));
        JdbcClient write = JdbcClient.create(writer);
        HikariDataSource readers = target.dialect() == Dialect.SQLITE ? sqliteReaders(target, counter) : null;
        return new Database(target.dialect(), write, new NamedParameterJdbcTemplate(writer),
                readers == null ? write : JdbcClient.create(outages.install(new JdbcTemplate(readers))),
                new TransactionTemplate(transactions), readers, outages, writeHealth, batchSizes(meters)::record,
                commitDelay(environment));
    }

    /** The longest commit delay accepted: a read's record waiting longer would hold its answer for no gain. */
    static final Duration MAX_COMMIT_DELAY = Duration.ofMillis(100);

    /** {@code medmsg.db.commit-delay} (default 2ms; 0 turns it off): see {@link GroupCommitter}. */
    static Duration commitDelay(Environment environment) {
        Duration delay = Binder.get(environment).bind("medmsg.db.commit-delay", Duration.class)
                .orElse(Duration.ofMillis(2));
        if (delay.isNegative() || delay.compareTo(MAX_COMMIT_DELAY) > 0) {
            throw new IllegalStateException("medmsg.db.commit-delay (MEDMSG_DB_COMMIT_DELAY) must be between 0 and "
                    + MAX_COMMIT_DELAY.toMillis() + "ms, was " + delay.toMillis() + "ms");
        }
        return delay;
    }

    /** How many units each group-commit batch carried: near 1 when idle, up to 256 under load. */
    private static DistributionSummary batchSizes(MeterRegistry meters) {
        return DistributionSummary.builder("medmsg.db.batch.size")
                .description("units of work (sends, audit records, other writes) committed together by the group commit")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(256.0)
                .register(meters);
    }

    private static HikariDataSource sqliteReaders(DatabaseTarget target, StatementCounter counter) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(counting(target.url(), sqlitePragmas(), null, null, counter, true));
        config.setPoolName("medmsg-read");
        config.setConnectionInitSql("PRAGMA query_only = 1");
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    @Bean
    FlywayConfigurationCustomizer migrationsPerDialect(DatabaseTarget target) {
        return configuration -> configuration.locations(target.dialect().migrationLocations());
    }

    /**
     * The driver's connections, each wrapped to count its statements and, where the driver compiles
     * every statement anew (SQLite), to keep its prepared statements.
     */
    private static DataSource counting(String url, Properties properties, String user, String password,
            StatementCounter counter, boolean cacheStatements) {
        DriverDataSource driver = new DriverDataSource(url, null, properties, user, password);
        return new DelegatingDataSource(driver) {
            @Override
            public Connection getConnection() throws SQLException {
                return wrap(driver.getConnection());
            }

            @Override
            public Connection getConnection(String username, String pass) throws SQLException {
                return wrap(driver.getConnection(username, pass));
            }

            private Connection wrap(Connection connection) {
                return counter.wrap(cacheStatements ? StatementCache.wrap(connection) : connection);
            }
        };
    }

    private static Properties sqlitePragmas() {
        Properties pragmas = new Properties();
        pragmas.setProperty("journal_mode", "WAL");
        // FULL: a commit is on disk before the client hears 200, even across a power cut.
        pragmas.setProperty("synchronous", "FULL");
        pragmas.setProperty("foreign_keys", "true");
        pragmas.setProperty("busy_timeout", "30000");
        // no statement reads generated keys; the driver otherwise runs a SELECT last_insert_rowid()
        // of its own after every INSERT, on the writer's one thread (docs/benchmarks.md)
        pragmas.setProperty("jdbc.get_generated_keys", "false");
        return pragmas;
    }

    record DatabaseTarget(String url, Dialect dialect, DataDirLock lock) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
