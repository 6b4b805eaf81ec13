package io.medmsg.events;

import static io.medmsg.support.TwoInstances.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.Instance;

/**
 * SQLite's dispatcher follows each endpoint's events with a cursor kept in the database
 * ({@link EventFeed}): across restarts an endpoint hears of what happened while the service was
 * down, but not of what happened while it was not configured.
 */
@Tag("sqlite-only")
class WebhookEndpointsOverRestartsTest {

    private static final String SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("restarted service, same receiver".getBytes(StandardCharsets.UTF_8));

    private static String[] endpoint(Receiver receiver) {
        return new String[] {"--medmsg.webhooks.endpoints[0].url=" + receiver.url("/hook"),
            "--medmsg.webhooks.endpoints[0].secret=" + SECRET, "--medmsg.webhooks.poll-interval=20ms"};
    }

    private static List<String> texts(Receiver receiver) {
        return receiver.received.stream().filter(r -> r.type().equals("message.created"))
                .map(r -> r.json().get("data").get("message").get("text").asString()).toList();
    }

    @Test
    void anEndpointConfiguredAgainHearsOfEventsFromThenOnNotOfTheTimeBetween() throws Exception {
        Path dataDir = Files.createTempDirectory("medmsg-webhook-restart-");
        int port = ChildService.freePort();
        try (Receiver receiver = new Receiver()) {
            Chat.Consultation c;
            try (Instance first = Instance.onSqlite(dataDir, port, endpoint(receiver))) {
                c = first.chat().consultation();
                awaitTrue(() -> texts(receiver).contains("您好，我想咨询一下"), "the first message delivered");
            }
            try (Instance without = Instance.onSqlite(dataDir, port)) {
                assertThat(without.chat().patientSends(c.patient(), c.doctorId(), "while no endpoint is configured")
                        .status()).isEqualTo(200);
            }
            try (Instance again = Instance.onSqlite(dataDir, port, endpoint(receiver))) {
                assertThat(again.chat().patientSends(c.patient(), c.doctorId(), "once it is configured again").status())
                        .isEqualTo(200);
                awaitTrue(() -> texts(receiver).contains("once it is configured again"), "the message after");
                Thread.sleep(200);
            }
            assertThat(texts(receiver)).doesNotContain("while no endpoint is configured");
        }
    }

    @Test
    void eventsOfTheTimeTheServiceWasDownAreSentWhenItIsBack() throws Exception {
        Path dataDir = Files.createTempDirectory("medmsg-webhook-restart-");
        int port = ChildService.freePort();
        try (Receiver receiver = new Receiver()) {
            receiver.answer = r -> 503;
            Chat.Consultation c;
            try (Instance first = Instance.onSqlite(dataDir, port, endpoint(receiver))) {
                c = first.chat().consultation();
                awaitTrue(() -> !receiver.received.isEmpty(), "a first attempt");
            }
            // the events wait in the database, as pending deliveries or behind the cursor
            receiver.answer = r -> 200;
            try (Instance again = Instance.onSqlite(dataDir, port, endpoint(receiver))) {
                assertThat(again.chat().patientSends(c.patient(), c.doctorId(), "after the restart").status())
                        .isEqualTo(200);
                // the first message waits for its session's 5 s retry; what came after it, behind it
                awaitTrue(() -> texts(receiver).containsAll(List.of("您好，我想咨询一下", "after the restart")),
                        "both messages delivered");
            }
            List<String> texts = texts(receiver);
            assertThat(texts.indexOf("您好，我想咨询一下")).isLessThan(texts.indexOf("after the restart"));
        }
    }
}
