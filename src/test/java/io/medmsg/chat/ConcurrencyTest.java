package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Concurrently;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/** The invariants under concurrent requests: seq without gaps, one session per pair, no duplicate. */
class ConcurrencyTest extends ApiTest {

    @Test
    void twentyThreadsOfPatientAndDoctorGetSeqOneToFiveHundred() throws Exception {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        String doctor = Tokens.doctor(doctorId);
        String sessionId = chat.open(patient, doctorId);
        int threads = 20;
        int perThread = 25;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                String cmid = "t" + thread + "-" + i;
                Reply r = thread % 2 == 0 ? chat.patientSends(patient, doctorId, cmid, cmid)
                        : chat.doctorSends(doctor, sessionId, cmid, cmid);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                acknowledged.add(cmid);
                // every other message is resent once: it must not be appended twice
                if (i % 2 == 0) {
                    Reply again = thread % 2 == 0 ? chat.patientSends(patient, doctorId, cmid, cmid)
                            : chat.doctorSends(doctor, sessionId, cmid, cmid);
                    assertThat(again.data().get("message").get("msg_id").asString())
                            .isEqualTo(r.data().get("message").get("msg_id").asString());
                }
            }
        });
        int total = 1 + threads * perThread;
        List<JsonNode> all = chat.allMessages(doctor, sessionId);
        Chat.assertContiguousEachClientMsgIdOnce(all, total, acknowledged);
    }

    @Test
    void tenSimultaneousFirstMessagesOpenOneSession() throws Exception {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        Set<String> sessions = ConcurrentHashMap.newKeySet();
        Concurrently.run(10, n -> {
            Reply r = chat.patientSends(patient, doctorId, "first " + n);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            sessions.add(r.data().get("session_id").asString());
        });
        assertThat(sessions).hasSize(1);
        JsonNode list = chat.get(Chat.P, "session_list", patient, "").data().get("list");
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).get("last_seq").asLong()).isEqualTo(10);
    }

    /**
     * Writes are group-committed: refusals (a stranger's 404, a reused client_msg_id's 409) in the
     * same batches as good sends must roll back only themselves.
     */
    @Test
    void refusedSendsAmongGoodOnesLeaveNoTrace() throws Exception {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String strangerId = chat.newDoctor(unique("stranger"), true);
        String patient = Tokens.patient(unique("p"));
        String doctor = Tokens.doctor(doctorId);
        String sessionId = chat.open(patient, doctorId);
        chat.doctorSends(doctor, sessionId, "first", "taken");
        int threads = 16;
        int perThread = 15;
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                switch (thread % 4) {
                    case 0, 1 -> assertThat(chat.doctorSends(doctor, sessionId, "ok " + thread + "-" + i).status())
                            .isEqualTo(200);
                    case 2 -> assertThat(chat.doctorSends(Tokens.doctor(strangerId), sessionId, "not mine").status())
                            .isEqualTo(404);
                    default -> assertThat(chat.doctorSends(doctor, sessionId, "other text", "taken").status())
                            .isEqualTo(409);
                }
            }
        });
        int good = threads / 2 * perThread;
        List<Long> seqs = chat.allMessages(doctor, sessionId).stream().map(m -> m.get("seq").asLong()).toList();
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 2 + good).boxed().toList());
    }
}
