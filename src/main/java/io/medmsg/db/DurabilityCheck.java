package io.medmsg.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A message is acknowledged only after its commit is durable, so the server must flush its log at
 * every commit. Checked once at start-up on a pooled connection (which sees the server's, the
 * database's and the role's settings): PostgreSQL {@code synchronous_commit} must not be off,
 * InnoDB {@code innodb_flush_log_at_trx_commit} must be 1. A wrong value does not stop the service
 * (it still works, and the operator may have reasons) but is logged loudly, as an ERROR, at every
 * start. The isolation level every write path relies on is logged too.
 */
@Component
class DurabilityCheck {

    private static final Logger log = LoggerFactory.getLogger(DurabilityCheck.class);

    private static final String POSTGRES_SETTINGS = """
            SELECT current_setting('synchronous_commit') AS synchronous_commit,
                   current_setting('transaction_isolation') AS isolation""";

    // @@tx_isolation exists on MariaDB and MySQL 5.7; MySQL 8 renamed it, so read whichever answers
    private static final String MYSQL_FLUSH = "SELECT @@innodb_flush_log_at_trx_commit";
    private static final String MYSQL_ISOLATION = "SELECT @@transaction_isolation";
    private static final String MYSQL_ISOLATION_OLD = "SELECT @@tx_isolation";

    DurabilityCheck(Database db) {
        Map<String, String> settings = switch (db.dialect()) {
            case SQLITE -> Map.of();
            case POSTGRES -> db.inTransaction(() -> db.write().sql(POSTGRES_SETTINGS)
                    .query((rs, n) -> Map.of("synchronous_commit", rs.getString(1), "isolation", rs.getString(2))).single());
            case MYSQL -> db.inTransaction(() -> Map.of(
                    "innodb_flush_log_at_trx_commit", db.write().sql(MYSQL_FLUSH).query(String.class).single(),
                    "isolation", mysqlIsolation(db)));
        };
        if (db.dialect() == Dialect.SQLITE) {
            return;
        }
        log.info("Database durability and isolation: {}", new java.util.TreeMap<>(settings));
        for (String warning : warnings(db.dialect(), settings)) {
            log.error("""

                    ********************************************************************************
                    DURABILITY WARNING: {}
                    ********************************************************************************""", warning);
        }
    }

    private static String mysqlIsolation(Database db) {
        try {
            return db.write().sql(MYSQL_ISOLATION).query(String.class).single();
        } catch (org.springframework.dao.DataAccessException oldServer) {
            return db.write().sql(MYSQL_ISOLATION_OLD).query(String.class).single();
        }
    }

    /** What is wrong with these settings, one sentence each naming the setting and the fix. */
    static List<String> warnings(Dialect dialect, Map<String, String> settings) {
        List<String> warnings = new ArrayList<>();
        String isolation = settings.getOrDefault("isolation", "").toUpperCase(Locale.ROOT).replace('-', ' ');
        if (dialect == Dialect.POSTGRES && "off".equalsIgnoreCase(settings.get("synchronous_commit"))) {
            warnings.add("PostgreSQL synchronous_commit is off: a message acknowledged with HTTP 200 can be lost "
                    + "in a server crash. Set synchronous_commit = on (postgresql.conf, ALTER DATABASE or ALTER ROLE).");
        }
        if (dialect == Dialect.MYSQL && !"1".equals(settings.get("innodb_flush_log_at_trx_commit"))) {
            warnings.add("innodb_flush_log_at_trx_commit is " + settings.get("innodb_flush_log_at_trx_commit")
                    + ", not 1: a message acknowledged with HTTP 200 can be lost in a crash. "
                    + "Set innodb_flush_log_at_trx_commit = 1 in the server's configuration.");
        }
        if (dialect != Dialect.SQLITE && !isolation.isEmpty() && !"READ COMMITTED".equals(isolation)) {
            warnings.add("transactions run at " + isolation + ", not READ COMMITTED, which MedMsg sets on every "
                    + "pooled connection; check spring.datasource.hikari.transaction-isolation.");
        }
        return warnings;
    }
}
