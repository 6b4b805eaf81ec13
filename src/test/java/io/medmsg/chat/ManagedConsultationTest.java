package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Concurrently;
import io.medmsg.support.Consult;
import io.medmsg.support.TestClock;

/** Managed mode: only the back end opens; rounds, explicit acceptance, deadlines on a clock the test moves. */
@Import(TestClock.Config.class)
class ManagedConsultationTest extends ApiTest {

    @DynamicPropertySource
    static void managed(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.consultations.mode", () -> "managed");
        registry.add("medmsg.consultations.sweep-interval", () -> "200ms");
    }

    @Autowired
    TestClock clock;

    private Chat chat;
    private Consult consult;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        consult = new Consult(api);
    }

    /** A new pair with a consultation opened by the back end; returns the session id. */
    private String opened(Chat.Consultation pair, Object... extra) {
        Object[] fields = new Object[4 + extra.length];
        System.arraycopy(new Object[] {"patient_id", pair.patientId(), "doctor_id", pair.doctorId()}, 0, fields, 0, 4);
        System.arraycopy(extra, 0, fields, 4, extra.length);
        return consult.opened(fields).get("session_id").asString();
    }

    @Test
    void patientWithoutAnOpenConsultationIs40905() {
        Chat.Consultation pair = chat.newPair();
        Reply r = chat.patientSends(pair.patient(), pair.doctorId(), "医生您好");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(40905);
        assertThat(chat.get(Chat.P, "session_list", pair.patient(), "").data().get("list")).isEmpty();
    }

    @Test
    void doctorMustAcceptBeforeReplying() {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair);
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "我咳嗽三天了").status()).isEqualTo(200);
        Reply early = chat.doctorSends(pair.doctor(), sessionId, "请问发热吗？");
        assertThat(early.code()).as(early.raw()).isEqualTo(40907);
        assertThat(early.msg()).contains("accept");
        assertThat(consult.accept(pair.doctor(), sessionId).status()).isEqualTo(200);
        assertThat(chat.doctorSends(pair.doctor(), sessionId, "请问发热吗？").status()).isEqualTo(200);
    }

    @Test
    void roundsLimitHoldsExactlyUnderTwentyConcurrentSenders() throws Exception {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair, "rounds_limit", 7);
        AtomicInteger accepted = new AtomicInteger();
        ConcurrentMap<Integer, Integer> codes = new ConcurrentHashMap<>();
        Concurrently.run(20, thread -> {
            Reply r = chat.patientSends(pair.patient(), pair.doctorId(), "第" + thread + "条", "c-" + thread);
            codes.merge(r.code(), 1, Integer::sum);
            if (r.status() == 200) {
                accepted.incrementAndGet();
            }
        });
        assertThat(accepted.get()).as(codes.toString()).isEqualTo(7);
        assertThat(codes.get(40906)).isEqualTo(13);
        JsonNode c = consult.current(Chat.P, pair.patient(), sessionId);
        assertThat(c.get("rounds_used").asInt()).isEqualTo(7);
    }

    @Test
    void aResendDoesNotCountTwice() {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair, "rounds_limit", 2);
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "第一条", "r1").status()).isEqualTo(200);
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "第一条", "r1").status()).isEqualTo(200);
        assertThat(consult.current(Chat.P, pair.patient(), sessionId).get("rounds_used").asInt()).isEqualTo(1);
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "第二条", "r2").status()).isEqualTo(200);
        Reply third = chat.patientSends(pair.patient(), pair.doctorId(), "第三条", "r3");
        assertThat(third.code()).isEqualTo(40906);
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "第二条", "r2").status()).isEqualTo(200);
    }

    @Test
    void acceptDeadlineExpiresTheConsultationOnceBySweeper() throws InterruptedException {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair, "accept_within_s", 600);
        clock.advance(Duration.ofSeconds(601));
        JsonNode c = awaitStatus(pair.patient(), sessionId, "expired");
        assertThat(c.get("close_reason").asString()).isEqualTo("accept_timeout");
        assertThat(Consult.kinds(chat.allMessages(pair.doctor(), sessionId)))
                .containsExactly("system:consultation.opened", "system:consultation.expired");
    }

    @Test
    void endDeadlineClosesAnActiveConsultationAndThePatientMayNoLongerWrite() throws InterruptedException {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair, "duration_s", 900);
        consult.accept(pair.doctor(), sessionId);
        clock.advance(Duration.ofSeconds(901));
        JsonNode c = awaitStatus(pair.patient(), sessionId, "closed");
        assertThat(c.get("close_reason").asString()).isEqualTo("timeout");
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "还在吗").code()).isEqualTo(40905);
        assertThat(chat.doctorSends(pair.doctor(), sessionId, "请按时服药").status()).isEqualTo(200);
        clock.advance(Duration.ofHours(25));
        assertThat(chat.doctorSends(pair.doctor(), sessionId, "复查结果如何").code()).isEqualTo(40905);
        List<String> kinds = Consult.kinds(chat.allMessages(pair.doctor(), sessionId));
        assertThat(kinds.stream().filter(k -> k.startsWith("system:consultation.closed"))).hasSize(1);
    }

    @Test
    void aSendAfterTheDeadlineAppliesItFirst() throws InterruptedException {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair, "accept_within_s", 3600);
        clock.advance(Duration.ofSeconds(3601));
        // the send may come before the sweeper: either way the deadline is applied once, first
        Reply late = chat.patientSends(pair.patient(), pair.doctorId(), "医生还在吗");
        assertThat(late.code()).isEqualTo(40905);
        awaitStatus(pair.patient(), sessionId, "expired");
        assertThat(Consult.kinds(chat.allMessages(pair.doctor(), sessionId)))
                .containsExactly("system:consultation.opened", "system:consultation.expired");
    }

    @Test
    void thePatientCancelsWhileWaitingAndThenMayNotWrite() {
        Chat.Consultation pair = chat.newPair();
        String sessionId = opened(pair);
        assertThat(consult.cancel(pair.patient(), sessionId).status()).isEqualTo(200);
        assertThat(chat.patientSends(pair.patient(), pair.doctorId(), "取消了").code()).isEqualTo(40905);
        assertThat(api.post(Chat.D + "consultation/accept", pair.doctor(), body("session_id", sessionId)).code())
                .isEqualTo(40907);
    }

    /** The session's consultation once it has that status; deadlines are kept within seconds here (sweep 200ms). */
    private JsonNode awaitStatus(String patient, String sessionId, String status) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode c = consult.current(Chat.P, patient, sessionId);
        while (!c.get("status").asString().equals(status) && System.nanoTime() < giveUp) {
            Thread.sleep(100);
            c = consult.current(Chat.P, patient, sessionId);
        }
        assertThat(c.get("status").asString()).as(c.toString()).isEqualTo(status);
        return c;
    }
}
