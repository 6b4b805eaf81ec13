package io.medmsg.realtime;

import static io.medmsg.support.Tokens.body;
import static io.medmsg.support.TwoInstances.awaitHeld;
import static io.medmsg.support.TwoInstances.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.chat.WakeUpScenarios;
import io.medmsg.db.StatementCounter;
import io.medmsg.shared.Side;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Instance;
import io.medmsg.support.SseClient;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;
import io.medmsg.support.TwoInstances;
import tools.jackson.databind.JsonNode;

/**
 * Two instances, A and B, on one database ({@link TwoInstances}): what a client sees through A
 * must not depend on which instance the other party's request went to. The wake-up scenarios of
 * {@link WakeUpScenarios} with the reader on A and the writer on B, and what only several
 * instances show.
 */
@Tag("server-db")
@TestDatabase.NeedsRedis
@ExtendWith({TestDatabase.Reachable.class, TwoInstances.Resolver.class})
class TwoInstancesTest implements WakeUpScenarios {

    private static TwoInstances both;
    private static Instance a;
    private static Instance b;

    @BeforeAll
    static void start(TwoInstances instances) {
        both = instances;
        a = instances.a;
        b = instances.b;
    }

    @Override
    public Topology topology() {
        return both.topology();
    }

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void aChangeCommittedOnBIsTimedOnAInTheWakeUpLatency() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        double before = wakeUps(a);
        assertThat(b.chat().patientSends(patient, doctorId, "hello").status()).isEqualTo(200);
        awaitTrue(() -> wakeUps(a) > before, "medmsg_wakeup_latency_seconds_count on A to grow");
    }

    private static double wakeUps(Instance instance) {
        Reply r = instance.api().get("/actuator/prometheus", Tokens.admin("scraper"));
        assertThat(r.status()).isEqualTo(200);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^medmsg_wakeup_latency_seconds_count\\{[^}]*\\} (\\S+)")
                .matcher(r.raw());
        assertThat(m.find()).as("medmsg_wakeup_latency_seconds_count in\n%s", r.raw()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void anEventStreamOnAReceivesAMessageSentThroughB() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
        String sessionId = b.chat().open(patient, doctorId);
        try (SseClient events = new SseClient(a.api(), Chat.D + "events", doctor, null)) {
            awaitHeld(a, ChangeHub.userKey(Side.DOCTOR, doctorId));
            b.chat().patientSends(patient, doctorId, "头痛三天了");
            SseClient.Event e = events.next(10);
            assertThat(e).as("an event within 10 s").isNotNull();
            assertThat(e.name()).isEqualTo("message");
            assertThat(e.json().get("session_id").asString()).isEqualTo(sessionId);
            assertThat(e.json().get("message").get("text").asString()).isEqualTo("头痛三天了");
            assertThat(e.json().get("message").get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void idlePollsOnAStayOffTheDatabaseYetSeeWhatBCommitted() throws Exception {
        Chat chatA = a.chat();
        String doctorId = chatA.newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
        String sessionId = chatA.open(patient, doctorId);
        String cursor = chatA.get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        // the first polls teach A the marks
        chatA.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1");
        chatA.get(Chat.D, "new_session", doctor, "cursor=" + cursor);
        assertThat(quietPolls(chatA, patient, doctor, sessionId, 1, cursor)).as("idle polls on A sent no statement").isTrue();

        assertThat(b.chat().doctorSends(doctor, sessionId, "news through B").status()).isEqualTo(200);
        awaitTrue(() -> a.bean(ChangeHub.class).mark(ChangeHub.sessionKey(sessionId)) >= 2, "A heard of B's message");
        assertThat(Chat.texts(chatA.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1")
                .data().get("list"))).containsExactly("news through B");
        JsonNode changes = chatA.get(Chat.D, "new_session", doctor, "cursor=" + cursor).data();
        assertThat(Chat.sessionIds(changes.get("list"))).containsExactly(sessionId);

        // and from the new position, A again says "nothing new" without asking the database
        String next = changes.get("cursor").asString();
        chatA.get(Chat.D, "new_session", doctor, "cursor=" + next);
        assertThat(quietPolls(chatA, patient, doctor, sessionId, 2, next)).as("idle polls on A after B's send").isTrue();
    }

    /** Twenty idle polls (new_msg and new_session) on A; whether none reached the database. */
    private static boolean quietPolls(Chat chat, String patient, String doctor, String sessionId, long afterSeq,
            String cursor) {
        return WakeUpScenarios.statementsOfIdlePolls(chat, a.bean(StatementCounter.class), patient, doctor, sessionId,
                afterSeq, cursor) == 0;
    }

    @Test
    void aNewInstanceAnswersCorrectlyAtOnce() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
        String sessionId = a.chat().open(patient, doctorId);
        String cursor = b.chat().get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        b.chat().doctorSends(doctor, sessionId, "from B");
        a.chat().post(Chat.P, "mark_read", patient, body("session_id", sessionId, "seq", 2));
        try (Instance c = both.startInstance()) {
            Chat chatC = c.chat();
            assertThat(Chat.texts(chatC.get(Chat.P, "new_msg", patient, "session_id=" + sessionId).data().get("list")))
                    .containsExactly("您好，我想咨询一下", "from B");
            JsonNode changes = chatC.get(Chat.D, "new_session", doctor, "cursor=" + cursor).data();
            assertThat(Chat.sessionIds(changes.get("list"))).containsExactly(sessionId);
            assertThat(changes.get("list").get(0).get("peer_read_seq").asLong()).isEqualTo(2);
            assertThat(chatC.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=2").data()
                    .get("list").size()).isZero();
            // and C hears of what A commits from now on
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Reply> held = pool.submit(() -> chatC.get(Chat.P, "new_msg", patient,
                        "session_id=" + sessionId + "&after_seq=2&wait=20"));
                awaitHeld(c, ChangeHub.sessionKey(sessionId));
                a.chat().doctorSends(doctor, sessionId, "from A");
                assertThat(Chat.texts(held.get(20, TimeUnit.SECONDS).data().get("list"))).containsExactly("from A");
            }
        }
    }
}
