package io.medmsg.records;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.medmsg.db.Database;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.SseClient;
import io.medmsg.support.Tokens;

/** API.md §6 Audit: one record per audited request, with its fields, before the answer; never text. */
class AuditTrailTest extends ApiTest {

    static final String RECORDS = "/msg_service/msg/audit/records";
    static final String AUDITOR = Tokens.auditor("compliance-1");

    @Autowired
    Database db;

    Chat chat;
    Chat.Consultation c;

    @BeforeEach
    void pair() {
        chat = new Chat(api);
        c = chat.consultation();
    }

    @Test
    void aSendLeavesOneRecordWithItsSessionSeqRequestIdAndIp() {
        Reply sent = chat.doctorSends(c.doctor(), c.sessionId(), "第二条");
        assertThat(sent.status()).as(sent.raw()).isEqualTo(200);

        List<JsonNode> records = recordsOf(c.doctorId());
        assertThat(records).hasSize(1);
        JsonNode r = records.get(0);
        assertThat(r.get("action").asString()).isEqualTo("send_text_msg");
        assertThat(r.get("actor_role").asString()).isEqualTo("doctor");
        assertThat(r.get("actor_id").asString()).isEqualTo(c.doctorId());
        assertThat(r.get("session_id").asString()).isEqualTo(c.sessionId());
        assertThat(r.get("seq_from").asLong()).isEqualTo(2);
        assertThat(r.get("seq_to").asLong()).isEqualTo(2);
        assertThat(r.get("request_id").asString()).isEqualTo(sent.body().get("request_id").asString());
        assertThat(r.get("ip").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(r.get("outcome").asInt()).isEqualTo(200);
        assertThat(r.get("at").asLong()).isPositive();
        assertThat(r.get("audit_id").asString()).isNotEmpty();
    }

    /** Many sends in one group-commit batch: their records are inserted together at its commit. */
    @Test
    void concurrentSendsEachCommitWithTheirRecord() throws Exception {
        int senders = 16;
        List<Chat.Consultation> pairs = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            pairs.add(chat.consultation());
        }
        List<java.util.concurrent.Future<Reply>> sent = new ArrayList<>();
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders)) {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (Chat.Consultation p : pairs) {
                sent.add(pool.submit(() -> {
                    go.await();
                    return api.post(Chat.D + "send_card_msg", p.doctor(), body("session_id", p.sessionId(), "card",
                            Consult.card("notice", "复诊")));
                }));
                sent.add(pool.submit(() -> {
                    go.await();
                    return chat.doctorSends(p.doctor(), p.sessionId(), "并发");
                }));
            }
            go.countDown();
        }
        for (int i = 0; i < pairs.size(); i++) {
            List<String> mine = new ArrayList<>();
            for (Reply r : List.of(sent.get(2 * i).get(), sent.get(2 * i + 1).get())) {
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                mine.add(r.body().get("request_id").asString());
            }
            List<JsonNode> records = recordsOf(pairs.get(i).doctorId());
            assertThat(records).extracting(r -> r.get("request_id").asString()).containsExactlyInAnyOrderElementsOf(mine);
            assertThat(records).extracting(r -> r.get("seq_from").asLong()).containsExactlyInAnyOrder(2L, 3L);
        }
    }

    @Test
    void aResendIsAuditedOnceMore() {
        chat.doctorSends(c.doctor(), c.sessionId(), "一次", "cm-1");
        chat.doctorSends(c.doctor(), c.sessionId(), "一次", "cm-1");
        List<JsonNode> records = recordsOf(c.doctorId());
        assertThat(records).extracting(r -> r.get("seq_from").asLong()).containsExactly(2L, 2L);
    }

    @Test
    void aMessagePageNamesTheSeqsItShowed() {
        chat.doctorSends(c.doctor(), c.sessionId(), "a");
        chat.doctorSends(c.doctor(), c.sessionId(), "b");
        Reply page = chat.get(Chat.P, "msg_list", c.patient(), "session_id=" + c.sessionId() + "&limit=2");
        assertThat(page.status()).isEqualTo(200);

        JsonNode r = last(recordsOf(c.patientId()));
        assertThat(r.get("action").asString()).isEqualTo("msg_list");
        assertThat(r.get("session_id").asString()).isEqualTo(c.sessionId());
        assertThat(r.get("seq_from").asLong()).isEqualTo(2);
        assertThat(r.get("seq_to").asLong()).isEqualTo(3);
        assertThat(r.get("request_id").asString()).isEqualTo(page.body().get("request_id").asString());
    }

    @Test
    void anAuditedPageIsSentWithItsLengthLikeAnyOtherAnswer() {
        for (int i = 0; i < 40; i++) {
            chat.doctorSends(c.doctor(), c.sessionId(), "请每天早晚各测一次血压并记录，".repeat(7));
        }
        Reply page = chat.get(Chat.P, "msg_list", c.patient(), "session_id=" + c.sessionId() + "&limit=50");

        assertThat(page.raw().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .as("a page longer than the container's write buffer").isGreaterThan(16 * 1024);
        assertThat(page.header("Transfer-Encoding")).isNull();
        assertThat(page.header("Content-Length"))
                .isEqualTo(String.valueOf(page.raw().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    @Test
    void aPollWithMessagesIsAuditedAndAnIdlePollIsNot() {
        int before = recordsOf(c.doctorId()).size();
        Reply idle = chat.get(Chat.D, "new_msg", c.doctor(), "session_id=" + c.sessionId() + "&after_seq=1");
        assertThat(idle.data().get("list").size()).isZero();
        Reply idleHeld = chat.get(Chat.D, "new_msg", c.doctor(), "session_id=" + c.sessionId() + "&after_seq=1&wait=1");
        assertThat(idleHeld.data().get("list").size()).isZero();
        assertThat(recordsOf(c.doctorId())).hasSize(before);

        Reply poll = chat.get(Chat.D, "new_msg", c.doctor(), "session_id=" + c.sessionId() + "&after_seq=0&wait=1");
        assertThat(poll.data().get("list").size()).isEqualTo(1);
        List<JsonNode> records = recordsOf(c.doctorId());
        assertThat(records).hasSize(before + 1);
        JsonNode r = last(records);
        assertThat(r.get("action").asString()).isEqualTo("new_msg");
        assertThat(r.get("seq_from").asLong()).isEqualTo(1);
        assertThat(r.get("seq_to").asLong()).isEqualTo(1);
    }

    @Test
    void sessionListsChangesRecallsDeletionsAndConsultationsAreAudited() {
        chat.get(Chat.D, "session_list", c.doctor(), "");
        Reply sent = chat.doctorSends(c.doctor(), c.sessionId(), "撤回我");
        chat.post(Chat.D, "recall", c.doctor(), body("session_id", c.sessionId(), "msg_id",
                sent.data().get("message").get("msg_id").asString()));
        chat.post(Chat.D, "session_del", c.doctor(), body("session_id", c.sessionId()));
        List<String> actions = recordsOf(c.doctorId()).stream().map(r -> r.get("action").asString()).toList();
        assertThat(actions).containsExactly("session_list", "send_text_msg", "recall", "session_del");

        Consult consult = new Consult(api);
        Chat.Consultation pair = chat.newPair();
        JsonNode opened = consult.opened("patient_id", pair.patientId(), "doctor_id", pair.doctorId());
        String sessionId = opened.get("session_id").asString();
        assertThat(consult.accept(pair.doctor(), sessionId).status()).isEqualTo(200);
        JsonNode accepted = last(recordsOf(pair.doctorId()));
        assertThat(accepted.get("action").asString()).isEqualTo("consultation/accept");
        assertThat(accepted.get("consultation_id").asString())
                .isEqualTo(opened.get("consultation").get("consultation_id").asString());
        assertThat(recordsOf("hospital-backend").stream().map(r -> r.get("action").asString()))
                .contains("consultation/open");
    }

    @Test
    void aRefusedReadIsAuditedWithItsStatus() {
        String stranger = unique("stranger");
        Reply r = chat.get(Chat.P, "msg_list", Tokens.patient(stranger), "session_id=" + c.sessionId());
        assertThat(r.status()).isEqualTo(404);
        JsonNode record = last(recordsOf(stranger));
        assertThat(record.get("outcome").asInt()).isEqualTo(404);
        assertThat(record.get("session_id").asString()).isEqualTo(c.sessionId());
    }

    @Test
    void anEventStreamLeavesOneRecordPerDeliveredBatch() throws Exception {
        try (SseClient events = new SseClient(api, Chat.D + "events", c.doctor(), "0").awaitConnected(10)) {
            SseClient.Event first = events.next(10);
            assertThat(first).isNotNull();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (recordsOf(c.doctorId()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<JsonNode> records = recordsOf(c.doctorId());
            assertThat(records).hasSize(1);
            assertThat(records.get(0).get("action").asString()).isEqualTo("events");
        }
    }

    @Test
    void noRecordContainsTheTextOfAMessage() {
        String text = unique("secret-symptom-");
        chat.doctorSends(c.doctor(), c.sessionId(), text);
        chat.get(Chat.P, "msg_list", c.patient(), "session_id=" + c.sessionId());
        assertThat(recordsOf(c.patientId())).isNotEmpty();
        Integer found = db.read().sql("""
                SELECT COUNT(*) FROM audit_records
                 WHERE actor_role LIKE :t OR actor_id LIKE :t OR action LIKE :t OR session_id LIKE :t
                    OR consultation_id LIKE :t OR file_id LIKE :t OR request_id LIKE :t OR ip LIKE :t""")
                .param("t", "%" + text + "%").query(Integer.class).single();
        assertThat(found).isZero();
    }

    @Test
    void onlyAuditorsReadTheAuditAndAuditorsReadNoConversation() {
        for (String token : List.of(c.patient(), c.doctor(), Tokens.admin("backend"))) {
            assertThat(api.get(RECORDS, token).status()).isEqualTo(403);
            assertThat(api.get("/msg_service/msg/audit/consultation_export?consultation_id=x", token).status())
                    .isEqualTo(403);
        }
        assertThat(chat.get(Chat.P, "msg_list", AUDITOR, "session_id=" + c.sessionId()).status()).isEqualTo(403);
        assertThat(chat.get(Chat.D, "session_list", AUDITOR, "").status()).isEqualTo(403);
        assertThat(api.get(RECORDS, AUDITOR).status()).isEqualTo(200);
    }

    /** Records wait in the inbox until moved (AuditInbox): a reader sees each once, in the order they committed. */
    @Test
    void inboxRecordsAreReadExactlyOnceInTheOrderTheyCommitted() {
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Reply sent = chat.doctorSends(c.doctor(), c.sessionId(), "第" + i + "条");
            assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
            requestIds.add(sent.body().get("request_id").asString());
        }
        List<JsonNode> records = recordsOf(c.doctorId());
        assertThat(records).extracting(r -> r.get("request_id").asString()).containsExactlyElementsOf(requestIds);
        assertThat(records).extracting(r -> r.get("seq_from").asLong()).isSorted();
    }

    /** An instance that died before moving its records: the next reader's request moves and sees them. */
    @Test
    void aRecordLeftInTheInboxIsReadByTheNextRequest() {
        String actor = unique("d-gone-");
        db.submit(() -> leaveInInbox(actor, "req-left-behind"));
        List<JsonNode> records = recordsOf(actor);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("request_id").asString()).isEqualTo("req-left-behind");
        assertThat(records.get(0).get("seq_to").asLong()).isEqualTo(3);
    }

    /** A move takes AuditInbox.MOVE records at a time: a reader still sees every record before it, in order. */
    @Test
    void moreRecordsThanOneMoveAreAllReadByTheNextRequest() {
        String actor = unique("d-many-");
        int count = 2 * AuditInbox.MOVE + 1;
        db.submit(() -> {
            for (int i = 0; i < count; i++) {
                leaveInInbox(actor, "req-" + i);
            }
            return null;
        });
        assertThat(api.get(RECORDS + "?limit=1&actor_id=" + actor, AUDITOR).status()).isEqualTo(200);
        assertThat(db.read().sql("SELECT COUNT(*) FROM audit_inbox WHERE actor_id = :actor").param("actor", actor)
                .query(Long.class).single()).as("left in the inbox after one request").isZero();
        assertThat(recordsOf(actor)).extracting(r -> r.get("request_id").asString())
                .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "req-" + i).toList());
    }

    /** A record of a read of seqs 1–3 as an instance leaves it in the inbox, not yet moved. */
    int leaveInInbox(String actor, String requestId) {
        return db.write().sql("""
                INSERT INTO audit_inbox (at_ms, actor_role, actor_id, action, session_id, consultation_id, seq_from,
                    seq_to, file_id, request_id, ip, outcome)
                VALUES (1, 'doctor', :actor, 'msg_list', NULL, NULL, 1, 3, NULL, :requestId, '10.0.0.9', 200)""")
                .param("actor", actor).param("requestId", requestId).update();
    }

    /** Every record of one actor, oldest first, following the cursor. */
    List<JsonNode> recordsOf(String actorId) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = "";
        do {
            Reply r = api.get(RECORDS + "?limit=500&actor_id=" + actorId + (cursor.isEmpty() ? "" : "&cursor=" + cursor),
                    AUDITOR);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            r.data().get("list").forEach(all::add);
            JsonNode next = r.data().get("next_cursor");
            cursor = next == null || next.isNull() ? "" : next.asString();
        } while (!cursor.isEmpty());
        return all;
    }

    static JsonNode last(List<JsonNode> records) {
        assertThat(records).isNotEmpty();
        return records.get(records.size() - 1);
    }
}
