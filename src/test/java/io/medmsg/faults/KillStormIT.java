package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * SIGKILL in the middle of a stream of sends: after a restart on the same data dir, every
 * message that was answered 200 is there with its seq, and every session's seqs are 1..last_seq.
 */
class CrashIT {

    private static final List<String> FAST = List.of("--medmsg.limits.send-rate-per-second=1000000",
            "--medmsg.limits.send-burst=1000000");

    record Acked(String sessionId, String msgId, long seq) {
    }

    @Test
    void everyAcknowledgedMessageSurvivesSigkill(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        List<String> patients = List.of("crash-p1", "crash-p2", "crash-p3", "crash-p4");
        Map<String, String> sessionOf = new HashMap<>();
        ChildService first = ChildService.start(dataDir, List.of(), FAST.toArray(String[]::new));
        Chat chat = new Chat(first.api());
        for (String p : patients) {
            sessionOf.put(p, chat.open(Tokens.patient(p), "d1001"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String patient = patients.get(t % patients.size());
                boolean asDoctor = t >= patients.size();
                senders.add(pool.submit(() -> send(chat, patient, sessionOf.get(patient), asDoctor, stop, acked)));
            }
            Thread.sleep(1500);
            first.kill();
            stop.set(true);
            for (Future<?> f : senders) {
                f.get();
            }
        }
        assertThat(acked).hasSizeGreaterThan(50);

        try (ChildService second = ChildService.start(dataDir, List.of(), FAST.toArray(String[]::new))) {
            Api api = second.api();
            String doctor = Tokens.doctor("d1001");
            for (String sessionId : sessionOf.values()) {
                Map<String, Long> stored = new HashMap<>();
                List<Long> seqs = new ArrayList<>();
                long after = 0;
                while (true) {
                    JsonNode page = api.get(Chat.D + "new_msg?limit=200&session_id=" + sessionId + "&after_seq=" + after,
                            doctor).data();
                    page.get("list").forEach(m -> {
                        stored.put(m.get("msg_id").asString(), m.get("seq").asLong());
                        seqs.add(m.get("seq").asLong());
                    });
                    if (!page.get("has_more").asBoolean()) {
                        assertThat(seqs).containsExactlyElementsOf(
                                LongStream.rangeClosed(1, page.get("last_seq").asLong()).boxed().toList());
                        break;
                    }
                    after = seqs.get(seqs.size() - 1);
                }
                acked.stream().filter(a -> a.sessionId().equals(sessionId))
                        .forEach(a -> assertThat(stored.get(a.msgId())).as(a.toString()).isEqualTo(a.seq()));
            }
        }
    }

    private static Void send(Chat chat, String patient, String sessionId, boolean asDoctor, AtomicBoolean stop,
            ConcurrentLinkedQueue<Acked> acked) {
        for (int i = 0; !stop.get(); i++) {
            Reply r;
            try {
                r = asDoctor ? chat.doctorSends(Tokens.doctor("d1001"), sessionId, "d" + i)
                        : chat.patientSends(Tokens.patient(patient), "d1001", "p" + i);
            } catch (IllegalStateException connectionLost) {
                return null;
            }
            if (r.status() == 200) {
                JsonNode m = r.data().get("message");
                acked.add(new Acked(sessionId, m.get("msg_id").asString(), m.get("seq").asLong()));
            }
        }
        return null;
    }
}
