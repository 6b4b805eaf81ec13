package io.medmsg.db;

import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
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
        Dialect dialect = Dialect.fromUrl(url);
        DataDirLock lock = dialect == Dialect.SQLITE ? DataDirLock.acquire(properties.dataDir()) : null;
        return new DatabaseTarget(url, dialect, lock);
    }

    @Bean(destroyMethod = "close")
    @Primary
    HikariDataSource dataSource(DatabaseTarget target, Environment environment) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.url());
        config.setPoolName("medmsg");
        if (target.dialect() == Dialect.SQLITE) {
            config.setDataSourceProperties(sqlitePragmas());
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(60_000);
        } else {
            config.setUsername(environment.getProperty("spring.datasource.username"));
            config.setPassword(environment.getProperty("spring.datasource.password"));
            config.setMaximumPoolSize(20);
            if (target.dialect() == Dialect.MYSQL) {
                // Each statement sees the latest commits, as on PostgreSQL; the write paths rely on
                // row locks (UPDATE), not on snapshots, for their ordering.
                config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            }
            Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(config));
        }
        return new HikariDataSource(config);
    }

    @Bean(destroyMethod = "close")
    Database database(DatabaseTarget target, DataSource dataSource, PlatformTransactionManager transactions) {
        JdbcClient write = JdbcClient.create(dataSource);
        HikariDataSource readers = target.dialect() == Dialect.SQLITE ? sqliteReaders(target) : null;
        return new Database(target.dialect(), write, readers == null ? write : JdbcClient.create(readers),
                new TransactionTemplate(transactions), readers);
    }

    private static HikariDataSource sqliteReaders(DatabaseTarget target) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.url());
        config.setPoolName("medmsg-read");
        config.setDataSourceProperties(sqlitePragmas());
        config.setConnectionInitSql("PRAGMA query_only = 1");
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    @Bean
    FlywayConfigurationCustomizer migrationsPerDialect(DatabaseTarget target) {
        return configuration -> configuration.locations(target.dialect().migrationLocation());
    }

    private static Properties sqlitePragmas() {
        Properties pragmas = new Properties();
        pragmas.setProperty("journal_mode", "WAL");
        // FULL: a commit is on disk before the client hears 200, even across a power cut.
        pragmas.setProperty("synchronous", "FULL");
        pragmas.setProperty("foreign_keys", "true");
        pragmas.setProperty("busy_timeout", "30000");
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
