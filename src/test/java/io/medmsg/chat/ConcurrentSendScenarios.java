package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Concurrently;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;
import tools.jackson.databind.JsonNode;

/**
 * The invariants under concurrent sends, wherever each request went: seq without gaps, no
 * duplicate on a resend, one session per pair. They run on one instance ({@link ConcurrencyTest})
 * and on two ({@link TwoInstancesConcurrencyTest}), where consecutive requests alternate between A and B.
 */
public interface ConcurrentSendScenarios {

    /** Which instance each request goes through. */
    Topology topology();

    /** Twenty threads of patient and doctor append 500 messages, every other one resent through the other instance. */
    @Test
    default void seqHasNoGapsWhenPatientAndDoctorAppendConcurrently() throws Exception {
        Topology t = topology();
        String doctorId = t.reads().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        String doctor = Tokens.doctor(doctorId);
        String sessionId = t.reads().open(patient, doctorId);
        int threads = 20;
        int perThread = 25;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                String cmid = "t" + thread + "-" + i;
                Chat first = t.via(thread + i);
                Chat other = t.via(thread + i + 1);
                Reply r = thread % 2 == 0 ? first.patientSends(patient, doctorId, cmid, cmid)
                        : first.doctorSends(doctor, sessionId, cmid, cmid);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                acknowledged.add(cmid);
                // every other message is resent once: it must not be appended twice
                if (i % 2 == 0) {
                    Reply again = thread % 2 == 0 ? other.patientSends(patient, doctorId, cmid, cmid)
                            : other.doctorSends(doctor, sessionId, cmid, cmid);
                    assertThat(again.status()).as(again.raw()).isEqualTo(200);
                    assertThat(again.data().get("message").get("msg_id").asString())
                            .isEqualTo(r.data().get("message").get("msg_id").asString());
                }
            }
        });
        int total = 1 + threads * perThread;
        List<JsonNode> all = t.writes().allMessages(doctor, sessionId);
        Chat.assertContiguousEachClientMsgIdOnce(all, total, acknowledged);
    }

    @Test
    default void tenSimultaneousFirstMessagesOpenOneSession() throws Exception {
        Topology t = topology();
        String doctorId = t.reads().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        Set<String> sessions = ConcurrentHashMap.newKeySet();
        Concurrently.run(10, n -> {
            Reply r = t.via(n).patientSends(patient, doctorId, "first " + n);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            sessions.add(r.data().get("session_id").asString());
        });
        assertThat(sessions).hasSize(1);
        for (Chat through : List.of(t.reads(), t.writes())) {
            JsonNode list = through.get(Chat.P, "session_list", patient, "").data().get("list");
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.get(0).get("last_seq").asLong()).isEqualTo(10);
        }
    }

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }
}
