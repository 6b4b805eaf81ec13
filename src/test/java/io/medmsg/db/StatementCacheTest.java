package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reused SQLite statements behave like fresh ones: current data, their own parameters, no held snapshot. */
class StatementCacheTest {

    private static final String COUNT = "SELECT COUNT(*) FROM t WHERE v >= ?";

    @TempDir
    Path dir;
    String url;

    @BeforeEach
    void table() throws SQLException {
        url = "jdbc:sqlite:" + dir.resolve("cache.db");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (v INTEGER)");
        }
    }

    @Test
    void aClosedStatementIsHandedOutAgainAndSeesLaterCommits() throws SQLException {
        try (Connection reader = StatementCache.wrap(DriverManager.getConnection(url));
                Connection writer = DriverManager.getConnection(url)) {
            assertThat(count(reader, 0)).isZero();
            insert(writer, 5);
            // a statement whose snapshot was still open would not see the row
            assertThat(count(reader, 0)).isEqualTo(1);
            assertThat(count(reader, 6)).isZero();
            PreparedStatement first = reader.prepareStatement(COUNT);
            first.close();
            assertThat(reader.prepareStatement(COUNT)).isSameAs(first);
        }
    }

    @Test
    void theSameSqlWhileTheFirstIsOpenGetsItsOwnStatement() throws SQLException {
        try (Connection reader = StatementCache.wrap(DriverManager.getConnection(url))) {
            PreparedStatement outer = reader.prepareStatement(COUNT);
            PreparedStatement inner = reader.prepareStatement(COUNT);
            assertThat(inner).isNotSameAs(outer);
            outer.setInt(1, 0);
            inner.setInt(1, 1);
            try (ResultSet a = outer.executeQuery(); ResultSet b = inner.executeQuery()) {
                assertThat(a.next() && b.next()).isTrue();
            }
            inner.close();
            outer.close();
        }
    }

    @Test
    void closingAStatementEndsItsReadEvenWithItsResultSetLeftOpen() throws SQLException {
        try (Connection reader = StatementCache.wrap(DriverManager.getConnection(url));
                Connection writer = DriverManager.getConnection(url)) {
            insert(writer, 1);
            PreparedStatement ps = reader.prepareStatement(COUNT);
            ps.setInt(1, 0);
            assertThat(ps.executeQuery().next()).isTrue();
            // JDBC: closing a statement closes its result set, so the read snapshot ends here
            ps.close();
            insert(writer, 2);
            try (Statement s = writer.createStatement()) {
                // a checkpoint that a reader's open snapshot would hold back
                s.execute("PRAGMA busy_timeout = 0");
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).as("checkpoint busy").isZero();
                }
            }
        }
    }

    private static long count(Connection c, int min) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setInt(1, min);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void insert(Connection c, int v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
            ps.setInt(1, v);
            ps.executeUpdate();
        }
    }
}
