package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;

/** A server that may lose acknowledged commits is named in the log at every start. */
@ExtendWith(OutputCaptureExtension.class)
class DurabilityCheckTest {

    @Test
    void synchronousCommitOffIsAWarning() {
        assertThat(DurabilityCheck.warnings(Dialect.POSTGRES, Map.of("synchronous_commit", "off", "isolation", "read committed")))
                .singleElement().asString().contains("synchronous_commit is off");
        for (String fine : new String[] {"on", "local", "remote_write", "remote_apply"}) {
            assertThat(DurabilityCheck.warnings(Dialect.POSTGRES, Map.of("synchronous_commit", fine, "isolation", "read committed")))
                    .as(fine).isEmpty();
        }
    }

    @Test
    void innodbFlushOtherThanOneIsAWarning() {
        assertThat(DurabilityCheck.warnings(Dialect.MYSQL, Map.of("innodb_flush_log_at_trx_commit", "2", "isolation", "READ-COMMITTED")))
                .singleElement().asString().contains("innodb_flush_log_at_trx_commit is 2, not 1");
        assertThat(DurabilityCheck.warnings(Dialect.MYSQL, Map.of("innodb_flush_log_at_trx_commit", "1", "isolation", "READ-COMMITTED")))
                .isEmpty();
    }

    @Test
    void anIsolationOtherThanReadCommittedIsAWarning() {
        assertThat(DurabilityCheck.warnings(Dialect.MYSQL, Map.of("innodb_flush_log_at_trx_commit", "1", "isolation", "REPEATABLE-READ")))
                .singleElement().asString().contains("REPEATABLE READ, not READ COMMITTED");
    }

    /**
     * On PostgreSQL the setting can be changed for one database; InnoDB's is server-wide, and the
     * test server is shared, so on MariaDB this checks only that a correct server is not warned about.
     */
    @Test
    @Tag("server-db")
    @ExtendWith(TestDatabase.Reachable.class)
    void theServersSettingsAreCheckedAtStartUp(CapturedOutput output) throws Exception {
        TestDatabase.Fresh db = TestDatabase.create(TestDatabase.kind());
        if (db.kind() == TestDatabase.Kind.POSTGRES) {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + db.name() + " SET synchronous_commit = off");
            }
        }
        try (Instance instance = Instance.start(db)) {
            if (db.kind() == TestDatabase.Kind.POSTGRES) {
                assertThat(output.getOut()).contains("DURABILITY WARNING: PostgreSQL synchronous_commit is off");
            } else {
                assertThat(output.getOut()).contains("innodb_flush_log_at_trx_commit=1").doesNotContain("DURABILITY WARNING");
            }
        }
    }
}
