package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.db.StatementCounter;
import io.medmsg.realtime.ChangeHub;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Api;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;
import tools.jackson.databind.JsonNode;

/**
 * new_msg and new_session with wait on one instance: the wake-up scenarios of {@link WakeUpScenarios},
 * and what only one instance shows (the idle fast path, many held polls, no parked thread).
 */
class LongPollTest extends ApiTest implements WakeUpScenarios {

    @Autowired
    StatementCounter statements;

    @Autowired
    ChangeHub hub;

    private Chat chat;
    private String doctorId;
    private String doctor;

    @Override
    public Topology topology() {
        return Topology.single(api, hub);
    }

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        doctor = Tokens.doctor(doctorId);
    }

    @Test
    void waitWithNothingNewReturnsAnEmptyListAfterTheWait() {
        String patient = Tokens.patient(unique("p"));
        String sessionId = chat.open(patient, doctorId);
        long start = System.nanoTime();
        Reply r = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1&wait=2");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().get("list").size()).isZero();
        assertThat(r.data().get("last_seq").asLong()).isEqualTo(1);
        assertThat(millis).isBetween(1900L, 10_000L);
    }

    @Test
    void idlePollsAreAnsweredWithoutTheDatabase() {
        String patient = Tokens.patient(unique("p"));
        String sessionId = chat.open(patient, doctorId);
        String cursor = chat.get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        // the first polls teach this instance the marks
        chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1");
        chat.get(Chat.D, "new_session", doctor, "cursor=" + cursor);
        assertThat(WakeUpScenarios.statementsOfIdlePolls(chat, statements, patient, doctor, sessionId, 1, cursor))
                .as("statements of 20 idle polls").isZero();
        // and the fast path still notices the next message
        chat.doctorSends(doctor, sessionId, "news");
        assertThat(chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1").data().get("list").size())
                .isEqualTo(1);
    }

    @Test
    void aStrangerIsNotAnsweredFromMemory() {
        String patient = Tokens.patient(unique("p"));
        String sessionId = chat.open(patient, doctorId);
        chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1");
        Reply r = chat.get(Chat.P, "new_msg", Tokens.patient(unique("stranger")), "session_id=" + sessionId + "&after_seq=5");
        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void twoThousandHeldPollsAreAllWoken() throws Exception {
        int sessionsCount = 200;
        int pollsPerSession = 10;
        List<String> sessionIds = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < sessionsCount; i++) {
            String patient = Tokens.patient(unique("held" + i));
            patients.add(patient);
            sessionIds.add(chat.open(patient, doctorId));
        }
        HttpClient client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        List<CompletableFuture<Answered>> polls = new ArrayList<>();
        Api api = this.api;
        for (int i = 0; i < sessionsCount; i++) {
            for (int j = 0; j < pollsPerSession; j++) {
                int session = i;
                polls.add(client.sendAsync(api.builder(Chat.P + "new_msg?after_seq=1&wait=30&session_id=" + sessionIds.get(i),
                        patients.get(i)).GET().build(), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> new Answered(session, r, System.nanoTime())));
            }
        }
        topology().awaitHeld(sessionsCount * pollsPerSession, sessionIds.stream().map(ChangeHub::sessionKey).toList());
        long[] acknowledgedAt = new long[sessionsCount];
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> sends = new ArrayList<>();
            for (int i = 0; i < sessionsCount; i++) {
                int session = i;
                sends.add(senders.submit(() -> {
                    Reply sent = chat.doctorSends(doctor, sessionIds.get(session), "wake up");
                    acknowledgedAt[session] = System.nanoTime();
                    return sent;
                }));
            }
            for (Future<Reply> send : sends) {
                assertThat(send.get().status()).isEqualTo(200);
            }
        }
        int woken = 0;
        for (CompletableFuture<Answered> poll : polls) {
            Answered a = poll.get(30, TimeUnit.SECONDS);
            assertThat(a.response().statusCode()).isEqualTo(200);
            List<String> texts = Chat.texts(Api.JSON.readTree(a.response().body()).get("data").get("list"));
            if (texts.isEmpty()) {
                // on a loaded machine the setup can outlast a poll's 30 s: such a poll timed out
                // empty before its session's message was acknowledged; one after it missed its wake-up
                assertThat(a.at()).as("an empty answer of session %d after its message was acknowledged: a missed wake-up",
                        a.session()).isLessThan(acknowledgedAt[a.session()]);
            } else {
                assertThat(texts).containsExactly("wake up");
                woken++;
            }
        }
        assertThat(woken).as("polls woken by their session's message").isPositive();
    }

    private record Answered(int session, HttpResponse<String> response, long at) {
    }

    @Test
    void heldPollsParkNoThread() throws Exception {
        String patient = Tokens.patient(unique("p"));
        String sessionId = chat.open(patient, doctorId);
        HttpClient client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            polls.add(client.sendAsync(api.builder(Chat.P + "new_msg?after_seq=1&wait=30&session_id=" + sessionId, patient)
                    .GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        topology().awaitHeld(20, List.of(ChangeHub.sessionKey(sessionId)));
        // the JDK's thread dump lists virtual threads too; a held poll must not be one of them
        java.nio.file.Path dump = java.nio.file.Files.createTempDirectory("dump").resolve("threads.txt");
        java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
        String threads = java.nio.file.Files.readString(dump);
        // a frame of LongPoll itself (io.medmsg.chat.LongPoll.x or LongPoll$y); this test's own frame,
        // io.medmsg.chat.LongPollTest, shares the prefix since both live in chat
        assertThat(threads).contains("LongPollTest.heldPollsParkNoThread")
                .doesNotContainPattern("io\\.medmsg\\.chat\\.LongPoll[.$]");
        chat.doctorSends(doctor, sessionId, "wake up");
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            assertThat(Chat.texts(Api.JSON.readTree(poll.get(30, TimeUnit.SECONDS).body()).get("data").get("list")))
                    .containsExactly("wake up");
        }
    }
}
