package io.medmsg.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.Tokens;

/**
 * SIGKILL in the middle of a read storm: after a restart on the same data dir, every read answer
 * the client received (and every send) has its audit record, matched by request_id.
 */
class AuditCrashIT {

    private static final List<String> FAST = List.of("--medmsg.limits.send-rate-per-second=1000000",
            "--medmsg.limits.send-burst=1000000");

    @Test
    void everyAnswerTheClientReceivedHasItsAuditRecordAfterSigkill(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        List<String> patients = List.of("acrash-p1", "acrash-p2", "acrash-p3", "acrash-p4");
        Map<String, String> sessionOf = new HashMap<>();
        Map<String, ConcurrentLinkedQueue<String>> answered = new ConcurrentHashMap<>();
        ChildService first = ChildService.start(dataDir, List.of(), FAST.toArray(String[]::new));
        Chat chat = new Chat(first.api());
        for (String p : patients) {
            sessionOf.put(p, chat.open(Tokens.patient(p), "d1001"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 10; t++) {
                String patient = patients.get(t % patients.size());
                int kind = t / patients.size();
                readers.add(pool.submit(() -> storm(first.api(), chat, patient, sessionOf.get(patient), kind, stop, answered)));
            }
            Thread.sleep(3000);
            first.kill();
            stop.set(true);
            for (Future<?> f : readers) {
                f.get();
            }
        }
        int total = answered.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
        // a storm, not a benchmark: on a loaded machine a few dozen answers already make the point
        assertThat(total).isGreaterThan(30);

        try (ChildService second = ChildService.start(dataDir, List.of(), FAST.toArray(String[]::new))) {
            Api api = second.api();
            String auditor = Tokens.auditor("crash-auditor");
            for (Map.Entry<String, ConcurrentLinkedQueue<String>> e : answered.entrySet()) {
                Set<String> recorded = new HashSet<>();
                String cursor = "";
                do {
                    Reply r = api.get("/msg_service/msg/audit/records?limit=500&actor_id=" + e.getKey()
                            + (cursor.isEmpty() ? "" : "&cursor=" + cursor), auditor);
                    assertThat(r.status()).as(r.raw()).isEqualTo(200);
                    r.data().get("list").forEach(rec -> recorded.add(rec.get("request_id").asString()));
                    JsonNode next = r.data().get("next_cursor");
                    cursor = next.isNull() ? "" : next.asString();
                } while (!cursor.isEmpty());
                assertThat(recorded).as("audit records of %s", e.getKey()).containsAll(e.getValue());
            }
        }
    }

    /** kind 0: the patient's msg_list; 1: the doctor's msg_list; 2: the patient sends and polls new_msg. */
    private static Void storm(Api api, Chat chat, String patient, String sessionId, int kind, AtomicBoolean stop,
            Map<String, ConcurrentLinkedQueue<String>> answered) {
        String actor = kind == 1 ? "d1001" : patient;
        String token = kind == 1 ? Tokens.doctor("d1001") : Tokens.patient(patient);
        ConcurrentLinkedQueue<String> ids = answered.computeIfAbsent(actor, a -> new ConcurrentLinkedQueue<>());
        for (int i = 0; !stop.get(); i++) {
            Reply r;
            try {
                if (kind == 2 && i % 2 == 0) {
                    r = chat.patientSends(token, "d1001", "s" + i);
                } else if (kind == 2) {
                    r = chat.get(Chat.P, "new_msg", token, "session_id=" + sessionId + "&after_seq=0&limit=5");
                } else {
                    r = chat.get(kind == 1 ? Chat.D : Chat.P, "msg_list", token, "session_id=" + sessionId + "&limit=5");
                }
            } catch (IllegalStateException connectionLost) {
                return null;
            }
            if (r.status() == 200) {
                ids.add(r.body().get("request_id").asString());
            }
        }
        return null;
    }
}
