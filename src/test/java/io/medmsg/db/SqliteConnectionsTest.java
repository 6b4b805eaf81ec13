package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.medmsg.support.ApiTest;

/**
 * What every SQLite connection of the service is opened with, the writer's and the readers':
 * durable commits in WAL mode, the writer's checkpoints less often than SQLite's default
 * (DatabaseConfig says why). (A memory map, mmap_size 256 MiB, was tried for reads with audit
 * on and measured no faster: docs/benchmarks.md.)
 */
@Tag("sqlite-only")
class SqliteConnectionsTest extends ApiTest {

    @Autowired
    Database db;

    @Test
    void writerAndReadersCommitDurablyInWalMode() {
        for (JdbcClient connection : List.of(db.write(), db.read())) {
            assertThat(connection.sql("PRAGMA journal_mode").query(String.class).single()).isEqualTo("wal");
            assertThat(connection.sql("PRAGMA synchronous").query(Integer.class).single()).as("FULL").isEqualTo(2);
        }
    }

    @Test
    void writerCheckpointsEveryFourThousandPagesOfLog() {
        assertThat(db.write().sql("PRAGMA wal_autocheckpoint").query(Integer.class).single()).isEqualTo(4000);
    }
}
