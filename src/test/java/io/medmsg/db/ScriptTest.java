package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.dao.DuplicateKeyException;

import io.medmsg.support.TestDatabase;

/**
 * Several statements sent as one ({@link Database#script}): on MySQL/MariaDB they run in order in
 * the writer's transaction and answer with the row of the last; a failing one stops the script and
 * fails its unit like any statement. The other databases run no scripts and say so.
 */
@Tag("db")
@ExtendWith(TestDatabase.Reachable.class)
class ScriptTest extends ProbeDatabase {

    /** Inserts k, doubles its v, reads it back: each statement sees the one before. */
    private static final String INSERT_DOUBLE_READ = """
            INSERT INTO probe (k, v) VALUES (:k, :v);
            UPDATE probe SET v = v * 2 WHERE k = :k;
            SELECT k, v FROM probe WHERE k = :k AND ROW_COUNT() = 1""";

    private static final String INSERT_TWICE = """
            INSERT INTO probe (k, v) VALUES (:k, 1);
            INSERT INTO probe (k, v) VALUES (:k, 2)""";

    @Test
    void aScriptRunsInOrderAndAnswersWithTheRowOfItsLastSelect() {
        if (refusesScripts()) {
            return;
        }
        Optional<Map<String, Long>> row = db.submit(() -> db.script(INSERT_DOUBLE_READ, Map.of("k", 5, "v", 21), ScriptTest::row));

        assertThat(row).contains(Map.of("k", 5L, "v", 42L));
        assertThat(value(5)).isEqualTo(42);
    }

    @Test
    void aLastSelectWithoutRowsAnswersEmpty() {
        if (refusesScripts()) {
            return;
        }
        db.submit(() -> insert(6, 1)).get();
        // the UPDATE finds nothing to change, so ROW_COUNT() = 0 in the SELECT after it
        Optional<Map<String, Long>> row = db.submit(() -> db.script("""
                UPDATE probe SET v = v * 2 WHERE k = 7;
                SELECT k, v FROM probe WHERE k = 6 AND ROW_COUNT() = 1""", Map.of(), ScriptTest::row));

        assertThat(row).isEmpty();
    }

    @Test
    void aFailingStatementFailsTheUnitAndNothingOfTheScriptStays() {
        if (refusesScripts()) {
            return;
        }
        assertThatThrownBy(() -> db.submit(() -> {
            db.script(INSERT_TWICE, Map.of("k", 8));
            return null;
        })).isInstanceOf(DuplicateKeyException.class);

        assertThat(count()).isZero();
    }

    @Test
    void aScriptOfWritesWithARowIsRefused() {
        if (refusesScripts()) {
            return;
        }
        assertThatThrownBy(() -> db.submit(() -> {
            db.script(INSERT_DOUBLE_READ, Map.of("k", 9, "v", 1));
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("returned rows");
        assertThat(count()).isZero();
    }

    /**
     * Whether this database runs no scripts, having checked that it refuses one before sending
     * anything (the tests above then have nothing more to check here).
     */
    private boolean refusesScripts() {
        if (db.dialect().runsScripts()) {
            return false;
        }
        assertThatThrownBy(() -> db.submit(() -> db.script(INSERT_DOUBLE_READ, Map.of("k", 1, "v", 1), ScriptTest::row)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not run scripts");
        assertThat(count()).isZero();
        return true;
    }

    private static Map<String, Long> row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return Map.of("k", rs.getLong("k"), "v", rs.getLong("v"));
    }
}
