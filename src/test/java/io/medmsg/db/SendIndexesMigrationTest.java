package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.TestDatabase;

/**
 * V12 lightens what a send writes: the resend and file indexes of messages hold only messages with a
 * client_msg_id or a file (SQLite and PostgreSQL; SQLite rebuilds the messages table for it), and the
 * unused events_by_msg goes (all three). An upgrade keeps every message as it was, a client_msg_id is
 * still unique per sender and session, and the lookups still use their indexes. It runs once, on a
 * database of each kind of its own, whichever database the rest of the run uses.
 */
class SendIndexesMigrationTest {

    private static final String SESSION = "s0000000000000000000000000000001";

    @TempDir
    Path dir;

    @Test
    void anUpgradeKeepsEveryMessageOnSqlite() throws Exception {
        // with foreign keys enforced, as the service's connections have them (DatabaseConfig)
        Target sqlite = new Target(Dialect.SQLITE, "11", new TestDatabase.Fresh(TestDatabase.Kind.SQLITE, "upgrade",
                "jdbc:sqlite:" + dir.resolve("upgrade.db") + "?foreign_keys=true", null, null));
        assertThat(sqlite.query("PRAGMA foreign_keys")).containsExactly(List.of("foreign_keys=1"));
        assertUpgradeKeepsEveryMessage(sqlite, "SELECT rowid AS row_id, * FROM messages ORDER BY msg_id");
        assertThat(sqlite.indexDefinition("messages_resend_once")).contains("WHERE client_msg_id IS NOT NULL");
        assertThat(sqlite.indexDefinition("messages_by_file")).contains("WHERE file_id IS NOT NULL");
    }

    @Test
    void anUpgradeKeepsEveryMessageOnMariadb() throws Exception {
        Target mariadb = new Target(Dialect.MYSQL, "10", TestDatabase.createOnServer(TestDatabase.Kind.MARIADB));
        assertUpgradeKeepsEveryMessage(mariadb, "SELECT * FROM messages ORDER BY msg_id");
    }

    @Test
    void anUpgradeKeepsEveryMessageOnPostgres() throws Exception {
        Target postgres = new Target(Dialect.POSTGRES, "10", TestDatabase.createOnServer(TestDatabase.Kind.POSTGRES));
        assertUpgradeKeepsEveryMessage(postgres, "SELECT * FROM messages ORDER BY msg_id");
        assertThat(postgres.indexDefinition("messages_resend_once")).contains("WHERE (client_msg_id IS NOT NULL)");
        assertThat(postgres.indexDefinition("messages_by_file")).contains("WHERE (file_id IS NOT NULL)");
        try (Connection c = postgres.connect(); Statement st = c.createStatement()) {
            // the lookups' generic plans, those a prepared statement ends up with, may use the partial indexes
            st.execute("SET enable_seqscan = off");
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE resend(text, text, text, text) AS SELECT msg_id FROM messages WHERE session_id = $1"
                    + " AND sender_role = $2 AND sender_id = $3 AND client_msg_id = $4");
            assertThat(rows(st, "EXPLAIN EXECUTE resend('" + SESSION + "', 'patient', 'p1', 'c1')").toString())
                    .contains("messages_resend_once");
            st.execute("PREPARE holders(text) AS SELECT recalled FROM messages WHERE file_id = $1 ORDER BY recalled LIMIT 1");
            assertThat(rows(st, "EXPLAIN EXECUTE holders('f1')").toString()).contains("messages_by_file");
        }
    }

    private void assertUpgradeKeepsEveryMessage(Target target, String everyMessage) throws Exception {
        target.migrateTo(target.before);
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO sessions (session_id, patient_id, doctor_id, last_seq, created_at, updated_at)"
                    + " VALUES ('" + SESSION + "', 'p1', 'd1', 4, 1, 4)");
            insert(st, "m1", 1, "'c1'");
            insert(st, "m2", 2, "NULL");
            insert(st, "m3", 3, "NULL");
            insert(st, "m4", 4, "'c2'");
            st.execute("UPDATE messages SET recalled = 1, file_id = 'f1', card = '{\"k\":1}' WHERE msg_id = 'm3'");
        }
        List<List<Object>> before = target.query(everyMessage);

        target.migrateTo("latest");

        assertThat(target.query(everyMessage)).isEqualTo(before).hasSize(4);
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            insert(st, "m5", 5, "NULL");
            assertThatThrownBy(() -> insert(st, "m6", 6, "'c1'")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(e.getMessage().toLowerCase(Locale.ROOT)).containsAnyOf("unique", "duplicate"));
        }
        assertThat(target.indexDefinition("messages_resend_once")).isNotNull();
        assertThat(target.indexDefinition("events_by_msg")).as("events_by_msg is gone").isNull();
    }

    private static void insert(Statement st, String msgId, int seq, String clientMsgId) throws SQLException {
        st.execute("INSERT INTO messages (msg_id, session_id, seq, sender_role, sender_id, msg_type, text, client_msg_id,"
                + " created_at, patient_change_seq, doctor_change_seq) VALUES ('" + msgId + "', '" + SESSION + "', " + seq
                + ", 'patient', 'p1', 'text', 'hello " + seq + "', " + clientMsgId + ", " + seq + ", " + seq + ", " + seq + ")");
    }

    private static List<List<Object>> rows(Statement st, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(meta.getColumnLabel(i) + "=" + rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** A database, and the last of its migrations before V12. */
    private record Target(Dialect dialect, String before, TestDatabase.Fresh db) {

        void migrateTo(String version) {
            Flyway.configure().dataSource(db.url(), db.user(), db.password()).locations(dialect.migrationLocations())
                    .target(version).load().migrate();
        }

        Connection connect() throws SQLException {
            return db.connect();
        }

        List<List<Object>> query(String sql) throws SQLException {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                return rows(st, sql);
            }
        }

        /** The index's definition, or null where there is no index of that name. */
        String indexDefinition(String name) throws SQLException {
            String sql = switch (dialect) {
                case SQLITE -> "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?";
                case POSTGRES -> "SELECT indexdef FROM pg_indexes WHERE indexname = ?";
                case MYSQL -> "SELECT MIN(index_name) FROM information_schema.statistics WHERE table_schema = DATABASE()"
                        + " AND index_name = ? HAVING COUNT(*) > 0";
            };
            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        }
    }
}
