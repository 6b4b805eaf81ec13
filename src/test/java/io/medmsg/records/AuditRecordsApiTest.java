package io.medmsg.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/** GET /msg_service/msg/audit/records: every filter, cursor paging oldest first, limits, CSV. */
class AuditRecordsApiTest extends ApiTest {

    static final String RECORDS = "/msg_service/msg/audit/records";
    static final String AUDITOR = Tokens.auditor("compliance-2");

    @Test
    void everyFilterNarrowsTheRecords() throws Exception {
        Chat chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        long from = System.currentTimeMillis();
        Thread.sleep(5);
        chat.doctorSends(c.doctor(), c.sessionId(), "一");
        chat.get(Chat.P, "msg_list", c.patient(), "session_id=" + c.sessionId());
        chat.get(Chat.D, "session_list", c.doctor(), "");
        Thread.sleep(5);
        long to = System.currentTimeMillis();
        Thread.sleep(5);
        chat.get(Chat.D, "msg_list", c.doctor(), "session_id=" + c.sessionId());

        assertThat(actions("actor_id=" + c.doctorId())).containsExactly("send_text_msg", "session_list", "msg_list");
        assertThat(actions("session_id=" + c.sessionId())).containsExactly("send_text_msg", "send_text_msg", "msg_list",
                "msg_list");
        // the patient's own requests and every request on the patient's sessions
        assertThat(actions("patient_id=" + c.patientId())).containsExactly("send_text_msg", "send_text_msg", "msg_list",
                "msg_list");
        assertThat(actions("actor_id=" + c.doctorId() + "&action=msg_list")).containsExactly("msg_list");
        assertThat(actions("actor_id=" + c.doctorId() + "&from=" + from + "&to=" + to))
                .containsExactly("send_text_msg", "session_list");
    }

    @Test
    void pagesFollowTheCursorOldestFirstWithoutGapsOrRepeats() {
        Chat chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        for (int i = 0; i < 7; i++) {
            chat.doctorSends(c.doctor(), c.sessionId(), "m" + i);
        }
        List<Long> seqs = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply r = api.get(RECORDS + "?limit=3&actor_id=" + c.doctorId() + (cursor == null ? "" : "&cursor=" + cursor),
                    AUDITOR);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            r.data().get("list").forEach(rec -> {
                seqs.add(rec.get("seq_from").asLong());
                ids.add(Long.parseLong(rec.get("audit_id").asString()));
            });
            JsonNode next = r.data().get("next_cursor");
            cursor = next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seqs).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void limitsAndCursorsAreChecked() {
        assertThat(api.get(RECORDS + "?limit=0", AUDITOR).code()).isEqualTo(40001);
        assertThat(api.get(RECORDS + "?limit=501", AUDITOR).code()).isEqualTo(40001);
        assertThat(api.get(RECORDS + "?limit=500", AUDITOR).status()).isEqualTo(200);
        assertThat(api.get(RECORDS + "?cursor=bogus", AUDITOR).code()).isEqualTo(40002);
        assertThat(api.get(RECORDS + "?from=-1", AUDITOR).code()).isEqualTo(40001);
    }

    @Test
    void csvHasTheSameRecordsAndFields() throws Exception {
        Chat chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        chat.doctorSends(c.doctor(), c.sessionId(), "带,逗号");
        JsonNode json = api.get(RECORDS + "?actor_id=" + c.doctorId(), AUDITOR).data().get("list");
        HttpResponse<String> csv = io.medmsg.support.Uploads.HTTP.send(api.builder(RECORDS + "?actor_id=" + c.doctorId(),
                AUDITOR).header("Accept", "text/csv").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("audit_id,at,actor_role,actor_id,action,session_id,consultation_id,seq_from,"
                + "seq_to,file_id,request_id,ip,outcome");
        JsonNode r = json.get(0);
        assertThat(lines[1]).isEqualTo(String.join(",", r.get("audit_id").asString(), r.get("at").asString(), "doctor",
                c.doctorId(), "send_text_msg", c.sessionId(), orEmpty(r.get("consultation_id")), "2", "2", "", r.get("request_id").asString(),
                r.get("ip").asString(), "200"));
    }

    private static String orEmpty(JsonNode value) {
        return value == null || value.isNull() ? "" : value.asString();
    }

    private List<String> actions(String query) {
        Reply r = api.get(RECORDS + "?limit=500&" + query, AUDITOR);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> actions = new ArrayList<>();
        // the auditor's own calls are audited too (a session_id filter names the session): not what is counted here
        r.data().get("list").forEach(rec -> {
            if (!rec.get("action").asString().equals("records")) {
                actions.add(rec.get("action").asString());
            }
        });
        return actions;
    }
}
