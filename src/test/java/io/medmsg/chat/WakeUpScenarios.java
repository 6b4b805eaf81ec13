package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.medmsg.db.StatementCounter;
import io.medmsg.realtime.ChangeHub;
import io.medmsg.shared.Side;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;
import tools.jackson.databind.JsonNode;

/**
 * A held long-poll wakes when the other party commits, wherever that party's request went: the
 * scenarios run on one instance ({@link LongPollTest}) and on two ({@code realtime.TwoInstancesTest}),
 * where the reader waits on A and the writer goes through B.
 */
public interface WakeUpScenarios {

    /** Which instance each party goes through. */
    Topology topology();

    @Test
    default void heldNewMsgReturnsAtOnceWhenTheDoctorAnswers() throws Exception {
        Topology t = topology();
        String doctorId = t.reads().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        String sessionId = t.reads().open(patient, doctorId);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> t.reads().get(Chat.P, "new_msg", patient,
                    "session_id=" + sessionId + "&after_seq=1&wait=20"));
            t.awaitHeld(ChangeHub.sessionKey(sessionId));
            long sent = System.nanoTime();
            assertThat(t.writes().doctorSends(Tokens.doctor(doctorId), sessionId, "here is the answer").status())
                    .isEqualTo(200);
            Reply r = held.get(20, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertThat(Chat.texts(r.data().get("list"))).containsExactly("here is the answer");
            assertThat(millis).as("woken by the commit, not by the end of the wait")
                    .isLessThan(t.wakeUpWithin().toMillis());
        }
    }

    @Test
    default void heldNewSessionWakesWhenAPatientWrites() throws Exception {
        Topology t = topology();
        String doctorId = t.reads().newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String cursor = t.reads().get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> t.reads().get(Chat.D, "new_session", doctor, "wait=20&cursor=" + cursor));
            t.awaitHeld(ChangeHub.userKey(Side.DOCTOR, doctorId));
            long sent = System.nanoTime();
            String sessionId = t.writes().open(Tokens.patient(unique("p")), doctorId);
            Reply r = held.get(20, TimeUnit.SECONDS);
            assertThat(Chat.sessionIds(r.data().get("list"))).containsExactly(sessionId);
            assertThat((System.nanoTime() - sent) / 1_000_000).as("woken by the commit, not by the end of the wait")
                    .isLessThan(t.wakeUpWithin().toMillis());
        }
    }

    /** Many patients write while the doctor follows new_session; every request goes to either instance. */
    @Test
    default void followingNewSessionCursorsNeverMissesAChange() throws Exception {
        Topology t = topology();
        for (int round = 0; round < 5; round++) {
            String docId = t.reads().newDoctor(unique("busy"), true);
            String doc = Tokens.doctor(docId);
            String cursor = t.reads().get(Chat.D, "new_session", doc, "").data().get("cursor").asString();
            int senders = 20;
            int perSender = 5;
            Map<String, Long> seen = new HashMap<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
                List<Future<?>> futures = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    String patient = Tokens.patient(unique("p" + s));
                    int sender = s;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < perSender; i++) {
                            assertThat(t.via(sender + i).patientSends(patient, docId, "m" + i).status()).isEqualTo(200);
                        }
                        return null;
                    }));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int poll = 0;
                while (!(seen.size() == senders && seen.values().stream().allMatch(v -> v == perSender))
                        && System.nanoTime() < deadline) {
                    JsonNode page = t.via(poll++).get(Chat.D, "new_session", doc, "wait=2&cursor=" + cursor).data();
                    page.get("list").forEach(s -> seen.merge(s.get("session_id").asString(), s.get("last_seq").asLong(),
                            Math::max));
                    cursor = page.get("cursor").asString();
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            assertThat(seen).as("round " + round).hasSize(senders);
            assertThat(seen.values()).as("round " + round).allMatch(v -> v == perSender);
        }
    }

    /**
     * Twenty idle polls (new_msg after {@code afterSeq}, new_session from {@code cursor}), each
     * answered with nothing new; how many statements they sent to the database. Counted on the
     * requests' threads only: a scheduled job (the audit inbox's mover looks every second, the
     * deadline sweeper) may touch the database meanwhile, and failed these checks in CI when every
     * statement counted.
     */
    static long statementsOfIdlePolls(Chat chat, StatementCounter statements, String patient, String doctor,
            String sessionId, long afterSeq, String cursor) {
        long before = statements.countOfVirtualThreads();
        for (int i = 0; i < 10; i++) {
            Reply msgs = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=" + afterSeq);
            assertThat(msgs.data().get("list").size()).isZero();
            Reply sessions = chat.get(Chat.D, "new_session", doctor, "cursor=" + cursor);
            assertThat(sessions.data().get("list").size()).isZero();
        }
        return statements.countOfVirtualThreads() - before;
    }

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }
}
