package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.db.Database;
import io.medmsg.shared.Side;
import io.medmsg.support.ApiTest;

/**
 * Every query on a hot path uses an index: no full scan of sessions or messages and no sort in a
 * temporary b-tree. The plans are written to target/query-plans.txt (copied into docs/).
 * SQLite only: it reads SQLite's EXPLAIN QUERY PLAN.
 */
@Tag("sqlite-only")
class QueryPlanTest extends ApiTest {

    @Autowired
    Database db;

    private static final Map<String, Object> PARAMS = Map.ofEntries(Map.entry("id", "s"), Map.entry("patient", "p"),
            Map.entry("doctor", "d"), Map.entry("user", "u"), Map.entry("limit", 20), Map.entry("after", 0),
            Map.entry("updatedAt", 0), Map.entry("sessionId", "s"), Map.entry("role", "patient"),
            Map.entry("sender", "u"), Map.entry("cmid", "c"), Map.entry("msgId", "m"), Map.entry("floor", 0),
            Map.entry("before", 10), Map.entry("fileId", "f"));

    @Test
    void hotQueriesUseIndexes() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Side side : Side.values()) {
            queries.put("session_list (" + side.wire() + ")", SessionRepository.listSql(side, false));
            queries.put("session_list next page (" + side.wire() + ")", SessionRepository.listSql(side, true));
            queries.put("new_session changes (" + side.wire() + ")", SessionRepository.changedSql(side));
        }
        queries.put("session by id", SessionRepository.BY_ID);
        queries.put("session by patient and doctor", SessionRepository.BY_PAIR);
        queries.put("msg_list page", MessageRepository.BEFORE);
        queries.put("new_msg page", MessageRepository.AFTER);
        queries.put("resend lookup", MessageRepository.BY_CLIENT_MSG_ID);
        queries.put("message by id", MessageRepository.BY_ID);
        queries.put("user change counter", ChangeCounters.CURRENT);
        queries.put("download check: messages holding a file", MessageFileHolders.LEAST_RECALLED);

        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            List<String> plan = db.read().sql("EXPLAIN QUERY PLAN " + q.getValue()).paramSource(PARAMS)
                    .query((rs, n) -> rs.getString("detail")).list();
            report.append("## ").append(q.getKey()).append('\n');
            plan.forEach(line -> report.append("    ").append(line).append('\n'));
            for (String line : plan) {
                assertThat(line).as(q.getKey()).doesNotStartWith("SCAN ").doesNotContain("TEMP B-TREE");
            }
        }
        // the resend index is partial (V12): the lookup must still prove it may search it
        assertThat(report.toString()).contains("## resend lookup\n    SEARCH messages USING INDEX messages_resend_once ");
        Path out = Path.of("target", "query-plans.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
