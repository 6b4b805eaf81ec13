package io.medmsg.events;

import static io.medmsg.support.TwoInstances.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Chat;
import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;

/**
 * Two instances on one PostgreSQL or MariaDB database deliver to the same endpoint: every event
 * arrives, none is in flight twice at the same moment, and a session's events arrive one after
 * the other in their order. The receiver takes its time over each request, so that an overlap
 * would show.
 */
@Tag("server-db")
@ExtendWith(TestDatabase.Reachable.class)
class TwoInstancesWebhookTest {

    private static final int SESSIONS = 8;
    private static final int MESSAGES = 6;

    @Test
    void twoDispatchersDeliverEachEventOnceAtATimeAndInOrderPerSession() throws Exception {
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        List<String> overlaps = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Receiver receiver = new Receiver()) {
            receiver.answer = r -> {
                for (String key : List.of("event " + r.id(), "session " + r.sessionId())) {
                    if (inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                        overlaps.add(key);
                    }
                }
                try {
                    Thread.sleep(15);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.get("event " + r.id()).decrementAndGet();
                inFlight.get("session " + r.sessionId()).decrementAndGet();
                return 200;
            };
            TestDatabase.Fresh db = TestDatabase.create(TestDatabase.kind());
            String[] args = {"--medmsg.webhooks.endpoints[0].url=" + receiver.url("/hook"),
                "--medmsg.webhooks.endpoints[0].secret=whsec_"
                        + Base64.getEncoder().encodeToString("two instances, one receiver, 32b".getBytes(StandardCharsets.UTF_8)),
                "--medmsg.webhooks.poll-interval=5ms", "--medmsg.limits.send-rate-per-second=1000000",
                "--medmsg.limits.send-burst=1000000"};
            try (Instance a = Instance.start(db, args); Instance b = Instance.start(db, args)) {
                List<String> sessions = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    Chat.Consultation c = (s % 2 == 0 ? a : b).chat().consultation();
                    sessions.add(c.sessionId());
                    for (int m = 1; m < MESSAGES; m++) {
                        Instance via = m % 2 == 0 ? a : b;
                        assertThat(via.chat().patientSends(c.patient(), c.doctorId(), "m" + m).status()).isEqualTo(200);
                    }
                }
                // per session: consultation.opened, then one message.created per message
                int expected = SESSIONS * (MESSAGES + 1);
                awaitTrue(() -> receiver.received.size() >= expected, expected + " events delivered");
                Thread.sleep(300);

                assertThat(overlaps).as("an event or a session in flight twice at once").isEmpty();
                assertThat(receiver.received).hasSize(expected);
                assertThat(receiver.received.stream().map(Receiver.Request::id).distinct()).hasSize(expected);
                for (String session : sessions) {
                    List<Long> seqs = receiver.of("/hook", session).stream().filter(r -> r.type().equals("message.created"))
                            .map(r -> r.json().get("data").get("message").get("seq").asLong()).toList();
                    assertThat(seqs).as("order in " + session).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
                }
            }
        }
    }
}
