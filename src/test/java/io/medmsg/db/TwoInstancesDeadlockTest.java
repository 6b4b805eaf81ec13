package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Concurrently;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;
import io.medmsg.support.TwoInstances;
import tools.jackson.databind.JsonNode;

/**
 * Each instance group-commits its sends in batches, and a batch locks the counters of its sends
 * in its own order: patients writing to two doctors through both instances ({@link TwoInstances})
 * would deadlock two batches, were it not for a batch's lock waits failing fast.
 */
@Tag("server-db")
@TestDatabase.NeedsRedis
@ExtendWith({TestDatabase.Reachable.class, TwoInstances.Resolver.class})
class TwoInstancesDeadlockTest {

    private static TwoInstances both;

    @BeforeAll
    static void start(TwoInstances instances) {
        both = instances;
    }

    @Test
    void batchesOfBothInstancesNeverDeadlock() throws Exception {
        Chat a = both.a.chat();
        Chat b = both.b.chat();
        String d1 = a.newDoctor("d1-" + Long.toString(System.nanoTime(), 36), true);
        String d2 = a.newDoctor("d2-" + Long.toString(System.nanoTime(), 36), true);
        long deadlocksBefore = deadlocks();
        int threads = 48;
        Concurrently.run(threads, thread -> {
            String patient = Tokens.patient("p" + thread + "-" + Long.toString(System.nanoTime(), 36));
            for (int i = 0; i < 10; i++) {
                Chat via = (thread + i) % 2 == 0 ? a : b;
                Reply r = via.patientSends(patient, (thread + i / 2) % 2 == 0 ? d1 : d2, "m" + i);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
            }
        });
        long total = 0;
        for (String d : List.of(d1, d2)) {
            JsonNode list = a.get(Chat.D, "session_list", Tokens.doctor(d), "limit=100").data().get("list");
            for (JsonNode s : list) {
                total += s.get("last_seq").asLong();
            }
        }
        assertThat(total).isEqualTo(threads * 10L);
        assertThat(deadlocks() - deadlocksBefore).as("deadlocks detected by the database").isZero();
    }

    /**
     * The deadlocks the database has detected: PostgreSQL's count for this database (statistics
     * are flushed within a second or so), InnoDB's for the whole server.
     */
    private static long deadlocks() throws Exception {
        try (Connection c = both.db.connect(); Statement st = c.createStatement()) {
            if (both.db.kind() != TestDatabase.Kind.POSTGRES) {
                try (var rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")) {
                    rs.next();
                    return rs.getLong(2);
                }
            }
            Thread.sleep(1_500);
            st.execute("SELECT pg_stat_clear_snapshot()");
            try (var rs = st.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
