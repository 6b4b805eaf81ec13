package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.realtime.ChangeHub;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Concurrently;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;
import tools.jackson.databind.JsonNode;

/**
 * The invariants under concurrent requests on one instance: the scenarios of
 * {@link ConcurrentSendScenarios} (seq without gaps, one session per pair, no duplicate), and
 * refusals among good sends in one batch.
 */
class ConcurrencyTest extends ApiTest implements ConcurrentSendScenarios {

    @Autowired
    ChangeHub hub;

    @Override
    public Topology topology() {
        return Topology.single(api, hub);
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
