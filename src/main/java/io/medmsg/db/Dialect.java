package io.medmsg.db;

/**
 * The one seam for what differs between the databases we run on. Statements that are the same
 * everywhere stay in the repositories; only the few that differ are chosen here.
 */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRES("postgresql"),
    MYSQL("mysql");

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
     * What puts {@link #lockWaitsFail} back once the batch's transaction has ended, where
     * it outlives the transaction (MySQL/MariaDB have no SET LOCAL): the connection goes back to the
     * pool, and other requests must wait for locks as usual. Null where it ends with the transaction.
     */
    String lockWaitsRestore() {
        return this == MYSQL ? "SET SESSION innodb_lock_wait_timeout = DEFAULT" : null;
    }

    /**
     * Whether a batch of statements that each return a row can go to the server in one round trip
     * ({@link WritePipeline}): PostgreSQL's driver sends a JDBC batch with its RETURNING rows
     * together. SQLite runs in the process (no round trips to save).
     */
    boolean pipelinesBatches() {
        return this == POSTGRES;
    }

    /** Data-modifying statements inside WITH (several writes in one round trip): PostgreSQL only. */
    public boolean modifiesInWith() {
        return this == POSTGRES;
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

    /** Insert unless a row with the same key exists already. */
    public String insertIfAbsent(String insert) {
        return switch (this) {
            case SQLITE -> insert.replaceFirst("(?i)^INSERT INTO", "INSERT OR IGNORE INTO");
            case MYSQL -> insert.replaceFirst("(?i)^INSERT INTO", "INSERT IGNORE INTO");
            case POSTGRES -> insert + " ON CONFLICT DO NOTHING";
        };
    }
}
