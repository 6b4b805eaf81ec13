package io.medmsg.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.Tokens;

/**
 * SIGKILL of the packaged service at random moments of a send storm, three times, with the
 * receiver up: after the last restart every acknowledged message has exactly one message.created
 * event id, every event was delivered at least once (nothing pending or failed), and every event
 * names a message that is stored.
 */
class WebhookCrashIT {

    private static final List<String> PATIENTS = List.of("wcrash-p1", "wcrash-p2", "wcrash-p3", "wcrash-p4");
    private static final String DOCTOR = "d1001";

    @Test
    void eventsSurviveSigkillExactlyAsTheirMessagesDo(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        Map<String, String> sessionOf = new HashMap<>();
        try (Receiver receiver = new Receiver()) {
            String[] args = {"--medmsg.limits.send-rate-per-second=1000000", "--medmsg.limits.send-burst=1000000",
                "--medmsg.webhooks.endpoints[0].url=" + receiver.url("/hook"),
                "--medmsg.webhooks.endpoints[0].secret=whsec_"
                        + Base64.getEncoder().encodeToString("the crash test's receiver secret".getBytes(StandardCharsets.UTF_8)),
                // a killed instance's leases run out after 4 s
                "--medmsg.webhooks.timeout=2s", "--medmsg.webhooks.lease=4s", "--medmsg.webhooks.poll-interval=20ms"};
            for (int round = 0; round < 3; round++) {
                ChildService service = ChildService.start(dataDir, List.of(), args);
                Chat chat = new Chat(service.api());
                if (sessionOf.isEmpty()) {
                    for (String p : PATIENTS) {
                        sessionOf.put(p, chat.open(Tokens.patient(p), DOCTOR));
                    }
                }
                storm(chat, sessionOf, acked, service, 800 + ThreadLocalRandom.current().nextInt(1200));
            }
            assertThat(acked).hasSizeGreaterThan(50);

            try (ChildService last = ChildService.start(dataDir, List.of(), args)) {
                Api api = last.api();
                String admin = Tokens.admin("crash-check");
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (pending(api, admin) > 0) {
                    assertThat(System.nanoTime()).as("every delivery done").isLessThan(deadline);
                    Thread.sleep(200);
                }
                Set<String> stored = new HashSet<>();
                for (String sessionId : sessionOf.values()) {
                    new Chat(api).allMessages(Tokens.doctor(DOCTOR), sessionId)
                            .forEach(m -> stored.add(m.get("msg_id").asString()));
                }
                Map<String, Set<String>> eventsOfMessage = receiver.received.stream()
                        .filter(r -> r.type().equals("message.created"))
                        .collect(Collectors.groupingBy(r -> r.json().get("data").get("message").get("msg_id").asString(),
                                Collectors.mapping(Receiver.Request::id, Collectors.toSet())));
                for (String msgId : acked) {
                    assertThat(eventsOfMessage.get(msgId)).as("the events of acknowledged " + msgId).hasSize(1);
                }
                assertThat(stored).as("every event names a stored message").containsAll(eventsOfMessage.keySet());
                assertThat(eventsOfMessage.keySet()).as("every stored message was announced").containsAll(stored);
                Set<String> deliveredIds = receiver.received.stream().filter(r -> r.answered() == 200)
                        .map(Receiver.Request::id).collect(Collectors.toSet());
                assertThat(allEventIds(api, admin)).as("every event delivered at least once")
                        .allMatch(deliveredIds::contains);
                assertThat(api.get("/msg_service/msg/admin/webhook/deliveries?status=failed", admin)
                        .data().get("list")).isEmpty();
            }
        }
    }

    private static void storm(Chat chat, Map<String, String> sessionOf, ConcurrentLinkedQueue<String> acked,
            ChildService service, long killAfterMillis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String patient = PATIENTS.get(t % PATIENTS.size());
                boolean asDoctor = t >= PATIENTS.size();
                senders.add(pool.submit(() -> send(chat, patient, sessionOf.get(patient), asDoctor, stop, acked)));
            }
            Thread.sleep(killAfterMillis);
            service.kill();
            stop.set(true);
            for (Future<?> f : senders) {
                f.get();
            }
        }
    }

    private static Void send(Chat chat, String patient, String sessionId, boolean asDoctor, AtomicBoolean stop,
            ConcurrentLinkedQueue<String> acked) {
        for (int i = 0; !stop.get(); i++) {
            Reply r;
            try {
                r = asDoctor ? chat.doctorSends(Tokens.doctor(DOCTOR), sessionId, "d" + i)
                        : chat.patientSends(Tokens.patient(patient), DOCTOR, "p" + i);
            } catch (IllegalStateException connectionLost) {
                return null;
            }
            if (r.status() == 200) {
                acked.add(r.data().get("message").get("msg_id").asString());
            }
        }
        return null;
    }

    private static int pending(Api api, String admin) {
        return api.get("/msg_service/msg/admin/webhook/deliveries?status=pending&limit=100", admin)
                .data().get("list").size();
    }

    private static Set<String> allEventIds(Api api, String admin) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/msg_service/msg/admin/webhook/deliveries?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor), admin).data();
            page.get("list").forEach(d -> ids.add(d.get("event_id").asString()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asString();
        } while (cursor != null);
        return ids;
    }
}
