package io.medmsg.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Properties;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.TransactionSystemException;

import io.medmsg.shared.DependencyFailure;

/**
 * The one seam for what differs between the databases we run on. Statements that are the same
 * everywhere stay in the repositories; only the few that differ are chosen here. Each constant
 * overrides what its database does differently (Spring Modulith's {@code DatabaseType} style);
 * what all three share stays in the enum's own methods.
 */
public enum Dialect {
    SQLITE("sqlite") {
        @Override
        public String datasourceUrl() {
            // SQLite is what an unset spring.datasource.url gives
            return "unset (SQLite)";
        }

        @Override
        boolean storageFull(SQLException e) {
            // SQLITE_FULL (13): the disk, or the file system's quota, has no room for the write
            return (e.getErrorCode() & 0xff) == 13;
        }

        @Override
        boolean unreachable(SQLException e) {
            // SQLITE_IOERR (10, and its extended codes): the file cannot be read or written
            return (e.getErrorCode() & 0xff) == 10;
        }
    },

    POSTGRES("postgresql") {
        @Override
        public boolean notifies() {
            return true;
        }

        @Override
        boolean losesTransaction(SQLException e) {
            // no transaction to roll back to the savepoint in
            return "25P01".equals(e.getSQLState());
        }

        @Override
        boolean refusesLock(SQLException e) {
            // lock_timeout (55P03), or a deadlock (40P01), which rolls back to the savepoint only
            return "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
        }

        @Override
        boolean storageFull(SQLException e) {
            // disk_full
            return "53100".equals(e.getSQLState());
        }

        @Override
        boolean unreachable(SQLException e) {
            // too_many_connections, admin_shutdown, crash_shutdown, cannot_connect_now
            String state = e.getSQLState();
            return "53300".equals(state) || "57P01".equals(state) || "57P02".equals(state) || "57P03".equals(state);
        }
    },

    MYSQL("mysql") {
        @Override
        boolean losesTransaction(SQLException e) {
            // a deadlock (1213) rolls back the whole transaction; the savepoint is then gone (1305)
            return e.getErrorCode() == 1213 || e.getErrorCode() == 1305;
        }

        @Override
        boolean refusesLock(SQLException e) {
            // innodb_lock_wait_timeout (1205); an insert that met the table's AUTO-INC lock, held by
            // another transaction's INSERT … SELECT, reports its refused wait as "failed to read
            // auto-increment value" (1467); where waits are allowed, 1467 is the unit's own failure
            return e.getErrorCode() == 1205 || e.getErrorCode() == 1467;
        }

        @Override
        boolean storageFull(SQLException e) {
            // ER_DISK_FULL, ER_RECORD_FILE_FULL ("The table is full")
            return e.getErrorCode() == 1021 || e.getErrorCode() == 1114;
        }

        @Override
        boolean unreachable(SQLException e) {
            // too many connections, server shutdown, connection killed; the client's lost-connection codes
            return switch (e.getErrorCode()) {
                case 1040, 1053, 1927, 2002, 2003, 2006, 2013 -> true;
                default -> false;
            };
        }
    };

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    /**
     * Where this database's Flyway migrations are: {@code common} for SQL that is the same on all
     * three, then the database's own folder for SQL that is not (a version lives in one of them).
     */
    String[] migrationLocations() {
        return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + migrationFolder};
    }

    static Dialect fromUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new IllegalStateException("spring.datasource.url must be a SQLite, PostgreSQL or MySQL/MariaDB JDBC URL");
    }

    /**
     * Insert, or update every other column when the key exists. {@code insert} is a plain
     * INSERT statement; {@code key} its conflict column; {@code updated} the columns to copy.
     */
    public String upsert(String insert, String key, String... updated) {
        StringBuilder sql = new StringBuilder(insert);
        if (this == MYSQL) {
            sql.append(" ON DUPLICATE KEY UPDATE ");
            for (int i = 0; i < updated.length; i++) {
                sql.append(i > 0 ? ", " : "").append(updated[i]).append(" = VALUES(").append(updated[i]).append(')');
            }
        } else {
            sql.append(" ON CONFLICT (").append(key).append(") DO UPDATE SET ");
            for (int i = 0; i < updated.length; i++) {
                sql.append(i > 0 ? ", " : "").append(updated[i]).append(" = excluded.").append(updated[i]);
            }
        }
        return sql.toString();
    }

    /**
     * What a group-commit batch runs so that its units do not wait for a lock that another
     * instance's batch holds (two batches locking rows in different orders would deadlock): a
     * batch of several units runs under it, and when it fails so, runs again unit by unit, with it
     * in force after the first ({@link GroupCommitter}). PostgreSQL: a 10 ms lock timeout for the
     * rest of the transaction. MySQL/MariaDB count the timeout in whole seconds, so there a lock
     * wait fails at once (0), for the session: {@link #lockWaitsRestore} undoes it. Null where no
     * other process takes locks (SQLite).
     */
    String lockWaitsFail() {
        return switch (this) {
            case POSTGRES -> "SET LOCAL lock_timeout = '10ms'";
            case MYSQL -> "SET SESSION innodb_lock_wait_timeout = 0";
            case SQLITE -> null;
        };
    }

    /**
     * What the group-commit writer's own connection runs when it opens, where the writer has a
     * connection of its own ({@link WriterRouting}): {@link #lockWaitsFail} for every transaction
     * of that connection, so that a batch of several units needs no statement of its own for it
     * (on PostgreSQL that SET LOCAL was a round trip of its own, 11 % of the writer's time:
     * docs/benchmarks.md). Null on MySQL/MariaDB, whose setting must be undone before the work at
     * commit anyway ({@link #lockWaitsRestore}), and on SQLite.
     */
    String writerConnectionInit() {
        return this == POSTGRES ? "SET lock_timeout = '10ms'" : null;
    }

    /**
     * Whether the group-commit writer has a connection of its own ({@link WriterRouting}): on
     * PostgreSQL for {@link #writerConnectionInit}; on MySQL/MariaDB to keep it out of auto-commit
     * ({@link #writerLeavesAutoCommit}). SQLite's writer has its own connection anyway.
     */
    boolean writerOwnsConnection() {
        return this != SQLITE;
    }

    /**
     * Whether the writer's own connection stays out of auto-commit, so that its transactions need
     * not switch it off and on: MariaDB Connector/J sends {@code SET autocommit} for each switch, two
     * round trips a batch, a tenth of the writer's time (docs/benchmarks.md). pgjdbc switches
     * without a round trip, and PostgreSQL's writer keeps the pool's setting.
     */
    boolean writerLeavesAutoCommit() {
        return this == MYSQL;
    }

    /**
     * Lets the rest of the transaction wait for locks as the database is configured to, on the
     * writer's own connection ({@link #writerConnectionInit}): for a unit that runs alone.
     */
    String lockWaitsAllow() {
        return this == POSTGRES ? "SET LOCAL lock_timeout TO DEFAULT" : null;
    }

    /**
     * What puts {@link #lockWaitsFail} back once the batch's transaction has ended, where
     * it outlives the transaction (MySQL/MariaDB have no SET LOCAL): the connection goes back to the
     * pool, and other requests must wait for locks as usual. Null where it ends with the transaction.
     */
    String lockWaitsRestore() {
        return this == MYSQL ? "SET SESSION innodb_lock_wait_timeout = DEFAULT" : null;
    }

    /**
     * Whether the rows one statement reads are exactly those the next statement of the same
     * transaction sees: SQLite, whose one writer (one process, one connection) runs every write. On
     * the servers another instance may commit, in between, a row whose id is lower than those read.
     */
    public boolean hasOneWriter() {
        return this == SQLITE;
    }

    /** Data-modifying statements inside WITH (several writes in one round trip): PostgreSQL only. */
    public boolean modifiesInWith() {
        return this == POSTGRES;
    }

    /**
     * Whether the database itself can carry changes between the instances that share it
     * (LISTEN/NOTIFY, {@code medmsg.notify.type=postgres}): PostgreSQL only.
     */
    public boolean notifies() {
        return false;
    }

    /** What {@code spring.datasource.url} is, as a start-up error about this database puts it. */
    public String datasourceUrl() {
        return "a " + this + " URL";
    }

    /**
     * Whether an {@code INSERT … SELECT} can run as one JDBC batch: MariaDB's driver sends batches
     * with its bulk protocol, which refuses that statement ("not supported in the prepared
     * statement protocol yet").
     */
    boolean batchesInsertSelect() {
        return this != MYSQL;
    }

    /**
     * Several statements sent as one, separated by semicolons ({@link Database#script}): MySQL and
     * MariaDB, whose connections allow it for that ({@link #connectionProperties}). There each
     * statement is otherwise a round trip, and the UPDATE that a value is read back from two.
     */
    public boolean runsScripts() {
        return this == MYSQL;
    }

    /** What the driver's connections are opened with, beyond the URL's own settings (servers only). */
    Properties connectionProperties() {
        Properties properties = new Properties();
        if (runsScripts()) {
            // statements stay client-side prepared, so parameters are escaped by the driver in
            // every statement of a script as in a single one
            properties.setProperty("allowMultiQueries", "true");
        }
        return properties;
    }

    /**
     * Refuses, at start-up, a URL that turns off what {@link #connectionProperties} turns on (the
     * driver lets the URL's settings win): without it every send would fail with a syntax error.
     */
    void checkUrl(String jdbcUrl) {
        if (runsScripts() && jdbcUrl.toLowerCase(Locale.ROOT).contains("allowmultiqueries=false")) {
            throw new IllegalStateException("spring.datasource.url (SPRING_DATASOURCE_URL) sets allowMultiQueries=false; "
                    + "MedMsg sends a message's writes to MySQL/MariaDB as one script of statements and needs it "
                    + "(docs/deploy.md): remove the setting");
        }
    }

    /** MariaDB and MySQL have no UPDATE ... RETURNING. */
    boolean hasUpdateReturning() {
        return this != MYSQL;
    }

    /**
     * Insert unless a row with the same key exists, for a row that this transaction UPDATEs next.
     * On MySQL/MariaDB, INSERT IGNORE would leave a shared lock on an existing row, and two
     * transactions that both hold it and then UPDATE the row deadlock; ON DUPLICATE KEY UPDATE
     * takes the exclusive lock the UPDATE needs at once. PostgreSQL's ON CONFLICT DO NOTHING locks
     * nothing, and SQLite has one writer. {@code column} is any column; it is set to itself.
     */
    public String insertBeforeUpdate(String insert, String column) {
        return this == MYSQL ? insert + " ON DUPLICATE KEY UPDATE " + column + " = " + column : insertIfAbsent(insert);
    }

    /**
     * A SELECT of rows this transaction changes next, locking them now: {@code FOR UPDATE} on the
     * servers; SQLite has one writer, so its reads inside a write are locked already.
     */
    public String lockingRead(String select) {
        return this == SQLITE ? select : select + " FOR UPDATE";
    }

    /** Insert unless a row with the same key exists already. */
    public String insertIfAbsent(String insert) {
        return switch (this) {
            case SQLITE -> insert.replaceFirst("(?i)^INSERT INTO", "INSERT OR IGNORE INTO");
            case MYSQL -> insert.replaceFirst("(?i)^INSERT INTO", "INSERT IGNORE INTO");
            case POSTGRES -> insert + " ON CONFLICT DO NOTHING";
        };
    }

    /** What a group-commit unit's failure means for its batch ({@link GroupCommitter}). */
    enum Failure {
        /**
         * The database rolled back the whole transaction under the unit, not only its failed
         * statement: the units before it, though they ran without an error, are no longer in.
         * MySQL/MariaDB do so on a deadlock and, with {@code innodb_rollback_on_timeout=ON}, on a
         * lock wait timeout; rolling back to the unit's savepoint then finds none (MySQL/MariaDB
         * 1305) or no transaction (PostgreSQL 25P01), whatever the cause.
         */
        TRANSACTION_LOST,
        /**
         * A lock wait that failed, rolling back only the unit's statement: a lock timeout or a
         * PostgreSQL deadlock. The unit may run again later.
         */
        LOCK_REFUSED,
        /** Anything else: the unit's own failure, answered to its caller. */
        OTHER
    }

    /**
     * Classifies a failure by one walk down its causes. A lost transaction wins over a refused
     * lock wherever it sits in the chain: a MySQL/MariaDB deadlock arrives as Spring's
     * {@link PessimisticLockingFailureException}, but has lost the transaction.
     */
    Failure failureOf(Throwable failure) {
        boolean refused = failure instanceof PessimisticLockingFailureException;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if (losesTransaction(sql)) {
                    return Failure.TRANSACTION_LOST;
                }
                refused |= refusesLock(sql);
            }
        }
        return refused ? Failure.LOCK_REFUSED : Failure.OTHER;
    }

    /**
     * Whether a failure is the database's rather than the statement's: it cannot be reached
     * (the pool found no connection in time, the connection broke, the server is shutting down) or
     * has no room left. Null when it is neither. One walk down the causes; what counts is per
     * database ({@link #storageFull}, {@link #unreachable}), beside what JDBC says for all of them:
     * a connection exception (SQLState class 08, or the JDBC connection exception types, which
     * is also what the pool throws when no connection came within its connection timeout).
     */
    DependencyFailure.Kind outageOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DependencyFailure known) {
                return known.kind();
            }
            if (t instanceof TransactionSystemException rollbackFailed) {
                // a rollback that failed hides what made the transaction fail: the statement's or
                // the commit's failure, kept as its application exception when the manager has it
                DependencyFailure.Kind first = rollbackFailed.getApplicationException() == null ? null
                        : outageOf(rollbackFailed.getApplicationException());
                if (first != null) {
                    return first;
                }
            }
            if (closedByPool(t)) {
                return DependencyFailure.Kind.UNAVAILABLE;
            }
            if (t instanceof SQLException sql) {
                if (storageFull(sql)) {
                    return DependencyFailure.Kind.STORAGE_FULL;
                }
                String state = sql.getSQLState();
                if (sql instanceof SQLTransientConnectionException || sql instanceof SQLNonTransientConnectionException
                        || (state != null && state.startsWith("08")) || unreachable(sql)) {
                    return DependencyFailure.Kind.UNAVAILABLE;
                }
            }
        }
        return null;
    }

    /**
     * HikariCP's answer to a call on a connection it has closed, which inside a transaction means
     * it found the connection broken (a connection exception) and evicted it: a rollback after a
     * commit that failed so meets this, and the commit's own failure is then lost (Spring throws
     * the rollback's). Hikari gives it no SQLState, only this message.
     */
    private static boolean closedByPool(Throwable t) {
        return t instanceof SQLException sql && sql.getSQLState() == null && "Connection is closed".equals(sql.getMessage());
    }

    /** Whether this error says the database has no room for the write ({@link #outageOf}). */
    boolean storageFull(SQLException e) {
        return false;
    }

    /** Whether this error, beyond JDBC's connection exceptions, says the database cannot serve now ({@link #outageOf}). */
    boolean unreachable(SQLException e) {
        return false;
    }

    /** Whether this error means the database rolled back the whole transaction ({@link Failure#TRANSACTION_LOST}). */
    boolean losesTransaction(SQLException e) {
        return false;
    }

    /** Whether this error is a failed lock wait that rolled back only its statement ({@link Failure#LOCK_REFUSED}). */
    boolean refusesLock(SQLException e) {
        return false;
    }
}
