package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;

/**
 * The plan PostgreSQL keeps for {@link AppendStatement}'s statement reaches a send's message and
 * session by their indexes, however small the tables were when it was made: the writer's
 * connection reuses one generic plan while the tables grow. A plan that hashed the whole messages
 * table for the resend check made sends with a client_msg_id sixteen times slower
 * (docs/benchmarks.md). It runs once, on a fresh PostgreSQL database of its own, whichever
 * database the rest of the run uses.
 */
class AppendStatementPlanTest {

    private static final Pattern PARAMETER = Pattern.compile(":([a-zA-Z]+)");

    @Test
    void theGenericPlanMadeOnEmptyTablesLooksUpMessagesAndSessionsByIndex() throws Exception {
        TestDatabase.Fresh db = TestDatabase.createOnServer(TestDatabase.Kind.POSTGRES);
        try (Instance ignored = Instance.start(db); Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            List<String> names = new ArrayList<>();
            s.execute(prepared(names));
            StringBuilder plan = new StringBuilder();
            try (ResultSet lines = s.executeQuery("EXPLAIN (COSTS OFF) EXECUTE append_all("
                    + String.join(", ", Collections.nCopies(names.size(), "NULL")) + ")")) {
                while (lines.next()) {
                    plan.append(lines.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("Index Only Scan using messages_resend_once on messages")
                    .contains("Index Scan using sessions_pkey on sessions")
                    .doesNotContain("Seq Scan on messages").doesNotContain("Seq Scan on sessions")
                    .doesNotContain("hashed SubPlan");
        }
    }

    /** The statement as a PREPARE of positional parameters, typed as they are bound; their names into {@code names}. */
    private static String prepared(List<String> names) {
        Matcher m = PARAMETER.matcher(AppendStatement.APPEND_ALL);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
            m.appendReplacement(sql, "\\$" + (names.indexOf(m.group(1)) + 1));
        }
        m.appendTail(sql);
        return "PREPARE append_all(" + String.join(", ", names.stream().map(AppendStatement::typeOf).toList()) + ") AS " + sql;
    }
}
