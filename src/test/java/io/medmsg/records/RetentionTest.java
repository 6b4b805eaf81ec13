package io.medmsg.records;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

import io.medmsg.db.Database;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.Samples;
import io.medmsg.support.TestClock;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;

/**
 * The retention job with an injected clock: a session goes once its last message and its
 * consultations are older than {@code purge-after}, with its files, audited by counts; nothing
 * younger is touched; audit records go after {@code medmsg.retention.audit}.
 */
@Import(TestClock.Config.class)
class RetentionTest extends ApiTest {

    static final Duration PURGE_AFTER = Duration.ofDays(1100);
    static final Duration AUDIT_KEPT = Duration.ofDays(2000);
    static final String AUDITOR = Tokens.auditor("retention-auditor");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.retention.purge-after", () -> PURGE_AFTER.toDays() + "d");
        registry.add("medmsg.retention.audit", () -> AUDIT_KEPT.toDays() + "d");
    }

    @Autowired
    TestClock clock;
    @Autowired
    Retention retention;
    @Autowired
    Database db;

    record Closed(Chat.Consultation pair, String fileId) {
    }

    /** A session with a file message whose consultation the doctor accepted and closed. */
    Closed closedSessionWithAFile() {
        Chat chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        byte[] bytes = Samples.of("image/png", 512);
        Uploads uploads = new Uploads(api);
        JsonNode slot = uploads.slot("patient", c.patient(), "x.png", "image/png", bytes, true);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        String fileId = slot.get("file_id").asString();
        ok(uploads.confirm("patient", c.patient(), fileId));
        ok(api.post(Chat.P + "send_res_msg", c.patient(), body("doctor_id", c.doctorId(), "file_id", fileId)));
        ok(chat.doctorSends(c.doctor(), c.sessionId(), "收到"));
        ok(new Consult(api).close(c.doctor(), c.sessionId(), null));
        return new Closed(c, fileId);
    }

    @Test
    void aSessionGoesOnlyOncePastPurgeAfterWithItsFilesAndIsAudited() {
        Closed old = closedSessionWithAFile();
        Closed young = closedSessionWithAFile();
        clock.advance(PURGE_AFTER.minusHours(1));
        // the young one has news just before the old one's time is up
        ok(api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", young.pair().sessionId(), "text",
                "复诊提醒", "client_msg_id", unique("n"))));

        assertThat(retention.runOnce().sessions()).isZero();
        assertThat(sessionExists(old)).isTrue();

        clock.advance(Duration.ofHours(2));
        assertThat(retention.runOnce().sessions()).isEqualTo(1);
        assertThat(sessionExists(old)).isFalse();
        assertThat(fileExists(old.fileId())).isFalse();
        assertThat(sessionExists(young)).isTrue();
        assertThat(fileExists(young.fileId())).isTrue();
        assertThat(new Chat(api).get(Chat.P, "msg_list", old.pair().patient(), "session_id=" + old.pair().sessionId())
                .status()).isEqualTo(404);

        List<JsonNode> purges = records("retention", "retention/purge");
        assertThat(purges).hasSize(1);
        assertThat(purges.get(0).get("session_id").asString()).isEqualTo(old.pair().sessionId());
        assertThat(purges.get(0).get("actor_role").asString()).isEqualTo("system");
        assertThat(purges.get(0).get("seq_from").asLong()).isEqualTo(1);
        assertThat(purges.get(0).get("seq_to").asLong()).isGreaterThanOrEqualTo(4);

        // the patient can start over with that doctor: a new session
        Reply again = new Chat(api).patientSends(old.pair().patient(), old.pair().doctorId(), "又来了");
        ok(again);
        assertThat(again.data().get("session_id").asString()).isNotEqualTo(old.pair().sessionId());
        assertThat(again.data().get("message").get("seq").asLong()).isEqualTo(1);
    }

    @Test
    void auditRecordsGoAfterTheirOwnRetentionAndThePurgeIsAudited() {
        String actor = unique("aud");
        new Chat(api).get(Chat.D, "session_list", Tokens.doctor(actor), "");
        assertThat(records(actor, null)).hasSize(1);
        clock.advance(AUDIT_KEPT.minusDays(1));
        retention.runOnce();
        assertThat(records(actor, null)).hasSize(1);
        clock.advance(Duration.ofDays(2));
        assertThat(retention.runOnce().auditRecords()).isPositive();
        assertThat(records(actor, null)).isEmpty();
        List<JsonNode> purges = records("retention", "retention/audit_purge");
        assertThat(purges).isNotEmpty();
        assertThat(purges.get(purges.size() - 1).get("seq_from").asLong()).isPositive();
    }

    private boolean sessionExists(Closed c) {
        return db.read().sql("SELECT COUNT(*) FROM sessions WHERE session_id = :id").param("id", c.pair().sessionId())
                .query(Long.class).single() > 0;
    }

    private boolean fileExists(String fileId) {
        return db.read().sql("SELECT COUNT(*) FROM files WHERE file_id = :id").param("id", fileId).query(Long.class)
                .single() > 0;
    }

    private List<JsonNode> records(String actorId, String action) {
        Reply r = api.get("/msg_service/msg/audit/records?limit=500&actor_id=" + actorId
                + (action == null ? "" : "&action=" + action), AUDITOR);
        ok(r);
        List<JsonNode> list = new ArrayList<>();
        r.data().get("list").forEach(list::add);
        return list;
    }

    private static void ok(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
}
