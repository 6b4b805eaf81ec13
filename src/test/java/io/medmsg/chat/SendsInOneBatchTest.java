package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.db.Database;
import io.medmsg.db.HeldWriter;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * Sends that share one group-commit batch get what each would have got alone: on MySQL/MariaDB
 * the batch writes them together ({@link AppendBatch}), on PostgreSQL in one statement (a session's
 * second send in a second; {@link AppendStatement}), on SQLite one by one. The writer is held while
 * the sends queue, so they run as one batch, in the order sent.
 */
class SendsInOneBatchTest extends ApiTest {

    @Autowired
    Database db;

    private Chat chat;
    private Consult consult;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        consult = new Consult(api);
    }

    @Test
    void sendsOfOneBatchTakeConsecutiveSeqsAndEachEventCountsItsOwnUnread() throws Exception {
        Chat.Consultation c = chat.consultation();
        // the doctor's first reply accepts the consultation, in a unit of its own (the consultation rules)
        assertThat(chat.doctorSends(c.doctor(), c.sessionId(), "您好，请说说症状").status()).isEqualTo(200);
        Chat.Consultation other = chat.consultation();
        List<Reply> replies = inOneBatch(
                () -> chat.patientSends(c.patient(), c.doctorId(), "昨晚开始发烧"),
                () -> chat.patientSends(other.patient(), other.doctorId(), "另一位患者的消息"),
                () -> chat.patientSends(c.patient(), c.doctorId(), "体温38.5度"),
                () -> chat.doctorSends(c.doctor(), c.sessionId(), "有没有咳嗽？"),
                () -> chat.patientSends(c.patient(), c.doctorId(), "有一点咳嗽"),
                () -> chat.doctorSends(c.doctor(), c.sessionId(), "先多喝水，观察一天"));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isEqualTo(200));
        assertThat(replies.stream().map(r -> r.data().get("message").get("seq").asLong()).toList()).containsExactly(3L, 2L, 4L, 5L, 6L, 7L);
        assertThat(Chat.texts(page(c))).containsExactly("您好，我想咨询一下", "您好，请说说症状", "昨晚开始发烧", "体温38.5度", "有没有咳嗽？",
                "有一点咳嗽", "先多喝水，观察一天");
        // each message's event counts what its recipient had not read when it was written
        assertThat(events(c.sessionId())).containsExactly("doctor:1", "patient:1", "doctor:1", "doctor:2", "patient:1",
                "doctor:1", "patient:1");
        List<Long> patientChanges = changes(c.sessionId(), "patient_change_seq");
        List<Long> doctorChanges = changes(c.sessionId(), "doctor_change_seq");
        assertThat(patientChanges).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        assertThat(doctorChanges).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    }

    @Test
    void sendsToDistinctSessionsPassOrMeetTheirOwnGates() throws Exception {
        Chat.Consultation active = chat.consultation();
        assertThat(chat.doctorSends(active.doctor(), active.sessionId(), "您好，请讲").status()).isEqualTo(200);
        Chat.Consultation waiting = chat.consultation();
        Chat.Consultation used = chat.newPair();
        String usedSession = consult.opened("patient_id", used.patientId(), "doctor_id", used.doctorId(), "rounds_limit", 1)
                .get("session_id").asString();
        assertThat(chat.patientSends(used.patient(), used.doctorId(), "唯一的一轮").status()).isEqualTo(200);
        Chat.Consultation replied = chat.consultation();
        assertThat(chat.doctorSends(replied.doctor(), replied.sessionId(), "您好").status()).isEqualTo(200);
        List<Reply> replies = inOneBatch(
                () -> chat.patientSends(active.patient(), active.doctorId(), "头痛两天了"),
                () -> chat.doctorSends(waiting.doctor(), waiting.sessionId(), "我来看一下"),
                () -> chat.patientSends(used.patient(), used.doctorId(), "还想再问一句"),
                () -> chat.doctorSends(replied.doctor(), replied.sessionId(), "请上传化验单"));
        assertThat(replies.stream().map(Reply::status).toList()).containsExactly(200, 200, 409, 200);
        assertThat(replies.get(2).code()).isEqualTo(40906);
        // the waiting consultation's first reply goes to the consultation rules, which accept it
        assertThat(replies.stream().filter(r -> r.status() == 200).map(r -> r.data().get("message").get("seq").asLong())
                .toList()).containsExactly(3L, 2L, 3L);
        assertThat(consult.current(Chat.P, used.patient(), usedSession).get("rounds_used").asInt()).isEqualTo(1);
        assertThat(events(active.sessionId())).containsExactly("doctor:1", "patient:1", "doctor:1");
        assertThat(events(replied.sessionId())).containsExactly("doctor:1", "patient:1", "patient:2");
        assertThat(Chat.texts(page(waiting))).containsExactly("您好，我想咨询一下", "我来看一下");
    }

    @Test
    void aClientMsgIdRepeatedInOneBatchIsWrittenOnce() throws Exception {
        Chat.Consultation c = chat.consultation();
        List<Reply> replies = inOneBatch(
                () -> chat.patientSends(c.patient(), c.doctorId(), "请问要空腹吗？", "cmid-1"),
                () -> chat.patientSends(c.patient(), c.doctorId(), "请问要空腹吗？", "cmid-1"),
                () -> chat.patientSends(c.patient(), c.doctorId(), "别的内容", "cmid-1"),
                () -> chat.patientSends(c.patient(), c.doctorId(), "明天几点复查？", "cmid-2"));
        assertThat(replies.get(0).status()).as(replies.get(0).raw()).isEqualTo(200);
        assertThat(replies.get(1).data().get("message").get("msg_id").asString()).isEqualTo(replies.get(0).data().get("message").get("msg_id").asString());
        assertThat(replies.get(2).code()).as(replies.get(2).raw()).isEqualTo(40901);
        assertThat(replies.get(3).data().get("message").get("seq").asLong()).isEqualTo(3);
        assertThat(Chat.texts(page(c))).containsExactly("您好，我想咨询一下", "请问要空腹吗？", "明天几点复查？");
    }

    @Test
    void sendsBeyondTheRoundsLimitInOneBatchAreRefused() throws Exception {
        Chat.Consultation pair = chat.newPair();
        String sessionId = consult.opened("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "rounds_limit", 2)
                .get("session_id").asString();
        List<Reply> replies = inOneBatch(
                () -> chat.patientSends(pair.patient(), pair.doctorId(), "第一轮"),
                () -> chat.patientSends(pair.patient(), pair.doctorId(), "第二轮"),
                () -> chat.patientSends(pair.patient(), pair.doctorId(), "第三轮"));
        assertThat(replies.stream().map(Reply::status).toList()).containsExactly(200, 200, 409);
        assertThat(replies.get(2).code()).isEqualTo(40906);
        assertThat(consult.current(Chat.P, pair.patient(), sessionId).get("rounds_used").asInt()).isEqualTo(2);
    }

    @Test
    void eachUsersChangeCounterNumbersTheBatchsMessagesInTheOrderSent() throws Exception {
        Chat.Consultation first = chat.consultation();
        String doctorId = first.doctorId();
        String second = Tokens.patient("pat-second-" + System.nanoTime());
        String third = Tokens.patient("pat-third-" + System.nanoTime());
        chat.open(second, doctorId);
        chat.open(third, doctorId);
        Chat.Consultation otherDoctor = chat.newPair();
        chat.open(first.patient(), otherDoctor.doctorId());
        long doctorBefore = counter("doctor", doctorId);
        long patientBefore = counter("patient", first.patientId());
        List<Reply> replies = inOneBatch(
                () -> chat.patientSends(first.patient(), doctorId, "复查结果出来了"),
                () -> chat.patientSends(second, doctorId, "药吃完了还要继续吗？"),
                () -> chat.patientSends(first.patient(), otherDoctor.doctorId(), "想再约个时间"),
                () -> chat.patientSends(third, doctorId, "孩子还在咳嗽"));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isEqualTo(200));
        List<Long> doctors = List.of(change(replies.get(0), "doctor_change_seq"), change(replies.get(1), "doctor_change_seq"),
                change(replies.get(3), "doctor_change_seq"));
        assertThat(doctors).containsExactly(doctorBefore + 1, doctorBefore + 2, doctorBefore + 3);
        assertThat(counter("doctor", doctorId)).isEqualTo(doctorBefore + 3);
        assertThat(change(replies.get(0), "patient_change_seq")).isEqualTo(patientBefore + 1);
        assertThat(change(replies.get(2), "patient_change_seq")).isEqualTo(patientBefore + 2);
        // the session rows carry their last message's values, which the session lists' cursors read
        assertThat(sessionChange(replies.get(3), "doctor_change_seq")).isEqualTo(doctorBefore + 3);
        assertThat(sessionChange(replies.get(2), "patient_change_seq")).isEqualTo(patientBefore + 2);
    }

    /** The sends, each queued behind the held writer before the next is made; their replies in that order. */
    @SafeVarargs
    private List<Reply> inOneBatch(Supplier<Reply>... sends) throws Exception {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        try (HeldWriter writer = HeldWriter.hold(db)) {
            for (Supplier<Reply> send : sends) {
                // a thread each: the common pool has one worker on two cores
                replies.add(CompletableFuture.supplyAsync(send, r -> Thread.ofVirtual().start(r)));
                writer.awaitWaiting(replies.size());
            }
        }
        List<Reply> done = new ArrayList<>();
        for (CompletableFuture<Reply> reply : replies) {
            done.add(reply.get(30, TimeUnit.SECONDS));
        }
        return done;
    }

    private JsonNode page(Chat.Consultation c) {
        return chat.get(Chat.D, "msg_list", c.doctor(), "session_id=" + c.sessionId() + "&limit=50").data().get("list");
    }

    /** The session's message.created events as recipient:unread, in the order written. */
    private List<String> events(String sessionId) {
        return db.read().sql("SELECT recipient_role, unread_count FROM events WHERE session_id = :id AND type = 'message.created'"
                + " ORDER BY event_seq").param("id", sessionId)
                .query((rs, n) -> rs.getString(1) + ":" + rs.getLong(2)).list();
    }

    /** A user's change counter. */
    private long counter(String role, String userId) {
        return db.read().sql("SELECT change_seq FROM user_changes WHERE role = :role AND user_id = :user")
                .param("role", role).param("user", userId).query(Long.class).single();
    }

    /** A change counter value of the message a reply announced. */
    private long change(Reply reply, String column) {
        return db.read().sql("SELECT " + column + " FROM messages WHERE msg_id = :id")
                .param("id", reply.data().get("message").get("msg_id").asString()).query(Long.class).single();
    }

    /** A change counter value of the session a reply's message went to. */
    private long sessionChange(Reply reply, String column) {
        return db.read().sql("SELECT " + column + " FROM sessions WHERE session_id = :id")
                .param("id", reply.data().get("session_id").asString()).query(Long.class).single();
    }

    private List<Long> changes(String sessionId, String column) {
        return db.read().sql("SELECT " + column + " FROM messages WHERE session_id = :id ORDER BY seq")
                .param("id", sessionId).query((rs, n) -> rs.getLong(1)).list();
    }

}
