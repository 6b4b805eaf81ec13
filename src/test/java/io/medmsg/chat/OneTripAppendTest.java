package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;

import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;

/**
 * A group-commit batch's sends on PostgreSQL go to the server together only while every column
 * {@link OneTripAppend}'s statement returns has a fixed width: pgjdbc sends a statement whose row
 * it cannot bound on its own, waits for its answer, and the batch becomes one round trip per send.
 * It runs once, on a PostgreSQL database of its own, whichever database the rest of the run uses.
 */
class OneTripAppendTest {

    @Test
    void everyColumnTheAppendReturnsHasAFixedWidth() throws Exception {
        TestDatabase.Fresh db = TestDatabase.createOnServer(TestDatabase.Kind.POSTGRES);
        try (Instance ignored = Instance.start(db); Connection c = db.connect();
                PreparedStatement append = c.prepareStatement(NamedParameterUtils.parseSqlStatementIntoString(OneTripAppend.APPEND));
                PreparedStatement width = c.prepareStatement("SELECT typlen FROM pg_type WHERE typname = ?")) {
            ResultSetMetaData returned = append.getMetaData();
            assertThat(returned.getColumnCount()).isEqualTo(4);
            for (int i = 1; i <= returned.getColumnCount(); i++) {
                width.setString(1, returned.getColumnTypeName(i));
                try (ResultSet rs = width.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).as("bytes of %s (%s)", returned.getColumnName(i), returned.getColumnTypeName(i))
                            .isPositive();
                }
            }
        }
    }
}
