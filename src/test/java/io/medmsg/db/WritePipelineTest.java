package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.dao.DataAccessException;

import io.medmsg.support.TestDatabase;

/**
 * Writes a group-commit batch's units gather ({@link Database#deferred}), as its sends are on
 * PostgreSQL and MySQL/MariaDB: each caller gets its own row, they are sent before the batch's next
 * other statement, later statements see earlier ones, and a failing one fails only its own caller
 * (the batch runs again unit by unit, where nothing is gathered).
 */
@Tag("db")
@ExtendWith(TestDatabase.Reachable.class)
class WritePipelineTest extends ProbeDatabase {

    @Test
    void eachCallerGetsTheRowOfItsOwnStatement() throws Exception {
        List<Future<Map<String, Object>>> rows = new ArrayList<>();
        for (int k = 1; k <= 400; k++) {
            int key = k;
            rows.add(callers.submit(() -> db.submit(() -> insert(key, key)).get().orElseThrow()));
        }
        for (int k = 1; k <= 400; k++) {
            assertThat(rows.get(k - 1).get(30, TimeUnit.SECONDS)).containsEntry("k", k).containsEntry("doubled", 2L * k);
        }
        assertThat(count()).isEqualTo(400);
    }

    @Test
    void aStatementThatChangesNoRowHasNoRowAndTheOthersKeepTheirs() throws Exception {
        for (int k = 1; k <= 200; k += 2) {
            int key = k;
            db.submit(() -> insert(key, key));
        }
        List<Future<Optional<Map<String, Object>>>> rows = new ArrayList<>();
        for (int k = 1; k <= 200; k++) {
            int key = k;
            rows.add(callers.submit(() -> db.submit(() -> gathered(COPY, Map.of("k", key))).get()));
        }
        for (int k = 1; k <= 200; k++) {
            Optional<Map<String, Object>> row = rows.get(k - 1).get(30, TimeUnit.SECONDS);
            if (k % 2 == 1) {
                assertThat(row).as("k %d", k).get().isEqualTo(Map.of("k", k + 1000, "doubled", 2L * k));
            } else {
                assertThat(row).as("k %d", k).isEmpty();
            }
        }
    }

    @Test
    void aGatheredWriteIsSentBeforeTheNextStatementOfItsBatch() {
        long seen = db.submit(() -> {
            Database.Pending<Optional<Map<String, Object>>> row = insert(7, 70);
            assertThatThrownBy(row::get).as("gathered, not sent yet").isInstanceOf(IllegalStateException.class);
            long count = db.write().sql("SELECT COUNT(*) FROM probe WHERE k = 7").query(Long.class).single();
            assertThat(row.get()).get().isEqualTo(Map.of("k", 7, "doubled", 140L));
            return count;
        });
        assertThat(seen).isEqualTo(1);
    }

    @Test
    void aFailingStatementFailsOnlyItsOwnCaller() throws Exception {
        db.submit(() -> insert(100, 1)).get();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = occupyTheWriterUntil(release);
        List<Future<Map<String, Object>>> good = new ArrayList<>();
        for (int k = 101; k <= 106; k++) {
            int key = k;
            good.add(callers.submit(() -> db.submit(() -> insert(key, key)).get().orElseThrow()));
        }
        Future<Optional<Map<String, Object>>> duplicate = callers.submit(() -> db.submit(() -> insert(100, 2)).get());
        awaitWaiting(7);
        release.countDown();

        assertThat(blocker.get(30, TimeUnit.SECONDS)).isNotNull();
        for (int k = 101; k <= 106; k++) {
            assertThat(good.get(k - 101).get(30, TimeUnit.SECONDS)).containsEntry("k", k);
        }
        assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DataAccessException.class);
        assertThat(count()).isEqualTo(8);
        assertThat(db.read().sql("SELECT v FROM probe WHERE k = 100").query(Long.class).single()).isEqualTo(1);
    }
}
