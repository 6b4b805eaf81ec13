package io.medmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.realtime.ChangeHub;
import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.SseClient;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;

/**
 * One user cannot hold an instance's connections for everyone (issue 16): past
 * {@code medmsg.limits.streams-per-user} the user's oldest event stream is closed, past
 * {@code medmsg.limits.held-polls-per-user} a new held long-poll is refused at once with
 * 429/42901 and Retry-After. Other users are not affected, and a stream or poll that ends frees
 * its place. Small caps here (2 and 3) keep the test short; the defaults are 5 and 20.
 */
class PerUserCapsTest extends ApiTest {

    @DynamicPropertySource
    static void smallCaps(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.limits.streams-per-user", () -> "2");
        registry.add("medmsg.limits.held-polls-per-user", () -> "3");
        // a stream whose client left is found by its next write, the heartbeat on an idle stream
        registry.add("medmsg.realtime.heartbeat", () -> "1s");
    }

    @Autowired
    ChangeHub hub;

    private Chat chat;

    @BeforeEach
    void chat() {
        chat = new Chat(api);
    }

    private SseClient stream(String token) throws InterruptedException {
        return new SseClient(api, Chat.D + "events", token, null).awaitConnected(10);
    }

    @Test
    void aThirdStreamClosesTheUsersOldestAndNoOneElses() throws Exception {
        Chat.Consultation a = chat.consultation();
        Chat.Consultation b = chat.consultation();
        try (SseClient first = stream(a.doctor()); SseClient second = stream(a.doctor());
                SseClient other = stream(b.doctor())) {
            try (SseClient third = stream(a.doctor())) {
                assertThat(first.endsWithin(5)).as("the oldest stream is closed").isTrue();
                assertThat(second.endsWithin(1)).as("the second stream stays").isFalse();
                assertThat(other.endsWithin(1)).as("another user's stream stays").isFalse();
                // the streams that stay deliver
                chat.patientSends(a.patient(), a.doctorId(), "to both streams");
                for (SseClient open : List.of(second, third)) {
                    SseClient.Event e = open.next(10);
                    assertThat(e).isNotNull();
                    assertThat(e.json().get("message").get("text").asString()).isEqualTo("to both streams");
                }
                chat.patientSends(b.patient(), b.doctorId(), "to the other user");
                assertThat(other.next(10).json().get("message").get("text").asString()).isEqualTo("to the other user");
            }
            // the third stream's client left: once the server has seen it go (its next heartbeat fails),
            // a new stream takes its place without closing the second
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (streamsOpen() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(streamsOpen()).as("streams open after the third one's client left").isEqualTo(2);
            try (SseClient again = stream(a.doctor())) {
                assertThat(second.endsWithin(2)).as("the second stream stays when a place was free").isFalse();
                assertThat(again.endsWithin(1)).isFalse();
            }
        }
    }

    /** The server's own count of open streams (this class has a context of its own: only this test's). */
    private double streamsOpen() {
        String metrics = api.get("/actuator/prometheus", Tokens.admin("admin-metrics")).raw();
        Matcher m = Pattern.compile("(?m)^medmsg_streams_open(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(m.find()).as("medmsg_streams_open in /actuator/prometheus").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static CompletableFuture<HttpResponse<String>> poll(HttpClient client, Api api, Chat.Consultation c) {
        return client.sendAsync(api.builder(Chat.P + "new_msg?after_seq=1&wait=30&session_id=" + c.sessionId(), c.patient())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFourthHeldPollIsRefusedAtOnceWithRetryAfterAndNoOneElsesIs() throws Exception {
        Chat.Consultation a = chat.consultation();
        Chat.Consultation b = chat.consultation();
        Topology topology = Topology.single(api, hub);
        HttpClient client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(poll(client, api, a));
        }
        topology.awaitHeld(3, List.of(ChangeHub.sessionKey(a.sessionId())));

        long started = System.nanoTime();
        Reply refused = chat.get(Chat.P, "new_msg", a.patient(), "session_id=" + a.sessionId() + "&after_seq=1&wait=30");
        assertThat((System.nanoTime() - started) / 1_000_000).as("refused at once").isLessThan(5_000);
        assertThat(refused.status()).as(refused.raw()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo(42901);
        assertThat(refused.body().get("data").isNull()).isTrue();
        assertThat(refused.msg()).contains("3");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 30L);
        // a poll that answers at once holds nothing and is never refused
        Reply atOnce = chat.get(Chat.P, "new_msg", a.patient(), "session_id=" + a.sessionId() + "&after_seq=0&wait=30");
        assertThat(atOnce.status()).as(atOnce.raw()).isEqualTo(200);

        // another user holds polls as usual
        CompletableFuture<HttpResponse<String>> others = poll(client, api, b);
        topology.awaitHeld(1, List.of(ChangeHub.sessionKey(b.sessionId())));

        // a held poll that is answered frees its place
        chat.doctorSends(a.doctor(), a.sessionId(), "wake up");
        for (CompletableFuture<HttpResponse<String>> poll : held) {
            assertThat(poll.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        CompletableFuture<HttpResponse<String>> again = client.sendAsync(api.builder(
                Chat.P + "new_msg?after_seq=2&wait=30&session_id=" + a.sessionId(), a.patient()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        topology.awaitHeld(1, List.of(ChangeHub.sessionKey(a.sessionId())));
        chat.doctorSends(a.doctor(), a.sessionId(), "and again");
        assertThat(again.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        chat.doctorSends(b.doctor(), b.sessionId(), "wake up");
        assertThat(others.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
}
