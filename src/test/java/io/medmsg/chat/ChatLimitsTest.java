package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.SseClient;
import io.medmsg.support.Tokens;

/** The send rate limit at its defaults, a recall window too short to meet, a one-second heartbeat. */
class ChatLimitsTest extends ApiTest {

    @DynamicPropertySource
    static void defaultsAndNoRecallWindow(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.limits.send-rate-per-second", () -> "10");
        registry.add("medmsg.limits.send-burst", () -> "20");
        registry.add("medmsg.limits.recall-window", () -> "0s");
        registry.add("medmsg.realtime.heartbeat", () -> "1s");
    }

    @Test
    void aBurstOverTwentyIsRateLimitedWithRetryAfter() {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        int accepted = 0;
        Reply limited = null;
        long start = System.nanoTime();
        for (int i = 0; i < 200 && limited == null; i++) {
            Reply r = chat.patientSends(patient, doctorId, "m" + i);
            if (r.status() == 200) {
                accepted++;
            } else {
                limited = r;
            }
        }
        assertThat(limited).isNotNull();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo(42901);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
        // 20 at once, plus whatever refilled at 10/s while the loop ran (slower on a server database)
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(accepted).isBetween(20, 20 + (int) Math.ceil(10 * seconds));
    }

    @Test
    void theLimitIsPerSender() {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String greedy = Tokens.patient(unique("greedy"));
        int status = 200;
        for (int i = 0; i < 200 && status == 200; i++) {
            status = chat.patientSends(greedy, doctorId, "m" + i).status();
        }
        assertThat(status).as("the greedy sender is limited").isEqualTo(429);
        assertThat(chat.patientSends(Tokens.patient(unique("calm")), doctorId, "hello").status()).isEqualTo(200);
    }

    @Test
    void aRecallAfterTheWindowIs40904() throws Exception {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        Reply sent = chat.patientSends(patient, doctorId, "too late to take back");
        Thread.sleep(5);
        Reply r = chat.post(Chat.P, "recall", patient, body("session_id", sent.data().get("session_id").asString(),
                "msg_id", sent.data().get("message").get("msg_id").asString()));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(40904);
        assertThat(r.msg()).contains("0 seconds");
    }

    @Test
    void anIdleEventStreamCarriesHeartbeatComments() throws Exception {
        Chat chat = new Chat(api);
        String doctor = Tokens.doctor(chat.newDoctor(unique("doc"), true));
        try (SseClient events = new SseClient(api, Chat.D + "events", doctor, null)) {
            assertThat(events.nextAny(10).data()).isEqualTo("connected");
            for (int i = 0; i < 2; i++) {
                SseClient.Event beat = events.nextAny(10);
                assertThat(beat).isNotNull();
                assertThat(beat.comment()).isTrue();
                assertThat(beat.data()).isEqualTo("keep-alive");
            }
        }
    }

    @Test
    void aStreamThatIdledThroughHeartbeatsStillCarriesTheNextMessage() throws Exception {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        try (SseClient events = new SseClient(api, Chat.D + "events", Tokens.doctor(doctorId), null)) {
            assertThat(events.nextAny(10).data()).isEqualTo("connected");
            assertThat(events.nextAny(10).data()).isEqualTo("keep-alive");
            assertThat(events.nextAny(10).data()).isEqualTo("keep-alive");
            assertThat(chat.patientSends(patient, doctorId, "复诊：血压还是偏高").status()).isEqualTo(200);
            SseClient.Event message = events.next(10);
            assertThat(message).isNotNull();
            assertThat(message.name()).isEqualTo("message");
            assertThat(message.json().get("message").get("text").asString()).isEqualTo("复诊：血压还是偏高");
        }
    }
}
