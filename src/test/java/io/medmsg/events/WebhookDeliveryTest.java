package io.medmsg.events;

import static io.medmsg.support.Tokens.body;
import static io.medmsg.support.TwoInstances.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.TestClock;
import io.medmsg.support.Tokens;

/**
 * Events out (API.md §5) to real HTTP receivers: what each change announces, Standard Webhooks
 * signatures checked by a second implementation with two secrets, the retry schedule on a test
 * clock, 410, failed and redelivered, per-session order, the admin API and the metrics.
 */
@Import(TestClock.Config.class)
class WebhookDeliveryTest extends ApiTest {

    private static final byte[] KEY_A = "first secret of the receiver, 32b".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_B = "second secret, the rotated-in one".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_GONE = "secret of the endpoint that leaves".getBytes(StandardCharsets.UTF_8);
    private static final String A = "/msg_service/msg/admin/webhook/";

    static final Receiver receiver = new Receiver();
    /** Events naming one of these ids are answered 500: that receiver is "down" for them. */
    static final Set<String> down = ConcurrentHashMap.newKeySet();
    /** Events containing one of these texts are answered 500. */
    static final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Events naming one of these ids are held (not answered) until {@link #release} opens. */
    static final Set<String> held = ConcurrentHashMap.newKeySet();
    /** As {@link #held}, for the requests to /gone only. */
    static final Set<String> heldAtGone = ConcurrentHashMap.newKeySet();
    static volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(0);
    static final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();

    @DynamicPropertySource
    static void webhooks(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.webhooks.endpoints[0].url", () -> receiver.url("/hook"));
        registry.add("medmsg.webhooks.endpoints[0].secret", () -> whsec(KEY_A) + "," + whsec(KEY_B));
        registry.add("medmsg.webhooks.endpoints[1].url", () -> receiver.url("/gone"));
        registry.add("medmsg.webhooks.endpoints[1].secret", () -> whsec(KEY_GONE));
        registry.add("medmsg.webhooks.endpoints[1].events", () -> "message.created");
        registry.add("medmsg.webhooks.poll-interval", () -> "20ms");
        receiver.answer = r -> {
            if (held.stream().anyMatch(id -> r.body().contains(id))
                    || r.path().equals("/gone") && heldAtGone.stream().anyMatch(id -> r.body().contains(id))) {
                holding.incrementAndGet();
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    holding.decrementAndGet();
                }
            }
            return r.path().equals("/gone") ? 410
                    : down.stream().anyMatch(id -> r.body().contains(id)) ? 500
                    : refused.stream().anyMatch(text -> r.body().contains(text)) ? 500 : 200;
        };
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Autowired
    TestClock clock;

    private Chat chat;
    private String admin;

    @BeforeEach
    void setUp() {
        chat = new Chat(api);
        admin = Tokens.admin("hospital-backend");
    }

    private static String whsec(byte[] key) {
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static List<String> types(List<Receiver.Request> requests) {
        return requests.stream().map(Receiver.Request::type).toList();
    }

    /** The events of the session that /hook answered 2xx, in order. */
    private List<Receiver.Request> delivered(String sessionId) {
        return receiver.of("/hook", sessionId).stream().filter(r -> r.answered() == 200).toList();
    }

    private void awaitDelivered(String sessionId, String type) throws InterruptedException {
        awaitTrue(() -> types(delivered(sessionId)).contains(type), type + " of " + sessionId + " delivered");
    }

    /** The one delivery of that event to /hook, as the admin API shows it. */
    private JsonNode delivery(String eventId) {
        JsonNode d = listed(eventId);
        if (d == null) {
            throw new AssertionError("no delivery of " + eventId);
        }
        return d;
    }

    /**
     * The delivery of that event to /hook, or null while it is not listed: on SQLite a delivery's
     * row is written once its first attempt is over (EventFeed), a moment after the receiver saw it.
     */
    private JsonNode listed(String eventId) {
        Reply r = api.get(A + "deliveries?limit=100&endpoint=" + receiver.url("/hook"), admin);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        for (JsonNode d : r.data().get("list")) {
            if (d.get("event_id").asString().equals(eventId)) {
                return d;
            }
        }
        return null;
    }

    /** The attempts of that event's delivery to /hook so far, as listed (0 while it is not). */
    private int attempts(String eventId) {
        JsonNode d = listed(eventId);
        return d == null ? 0 : d.get("attempts").asInt();
    }

    /** The status of that event's delivery to /hook, as listed (null while it is not). */
    private String status(String eventId) {
        JsonNode d = listed(eventId);
        return d == null ? null : d.get("status").asString();
    }

    /** A second implementation of the Standard Webhooks signature, as a receiver would write it. */
    private static boolean verifies(byte[] key, Receiver.Request r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String content = r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.body();
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        for (String signature : r.header("webhook-signature").split(" ")) {
            if (java.security.MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aSendIsAnnouncedToTheRecipientSignedWithEachSecret() throws Exception {
        Chat.Consultation c = chat.consultation();
        awaitDelivered(c.sessionId(), "message.created");

        List<Receiver.Request> events = delivered(c.sessionId());
        assertThat(types(events)).containsExactly("consultation.opened", "message.created");
        Receiver.Request created = events.get(1);
        JsonNode data = created.json().get("data");
        assertThat(data.get("session_id").asString()).isEqualTo(c.sessionId());
        assertThat(data.get("message").get("text").asString()).isEqualTo("您好，我想咨询一下");
        assertThat(data.get("message").get("seq").asLong()).isEqualTo(1);
        assertThat(data.get("consultation_id").asString()).isNotBlank()
                .isEqualTo(data.get("message").get("consultation_id").asString());
        assertThat(data.get("recipient").get("role").asString()).isEqualTo("doctor");
        assertThat(data.get("recipient").get("id").asString()).isEqualTo(c.doctorId());
        assertThat(data.get("recipient").get("unread_count").asLong()).isEqualTo(1);

        assertThat(created.header("webhook-id")).isEqualTo(created.id());
        assertThat(Long.parseLong(created.header("webhook-timestamp"))).isCloseTo(clock.millis() / 1000,
                org.assertj.core.data.Offset.offset(60L));
        assertThat(created.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(verifies(KEY_A, created)).as("signed with the first secret").isTrue();
        assertThat(verifies(KEY_B, created)).as("signed with the second secret").isTrue();
        assertThat(verifies(KEY_GONE, created)).as("not signed with another endpoint's secret").isFalse();
    }

    @Test
    void replyReadRecallAndCloseAreAnnouncedInTheirOrder() throws Exception {
        Chat.Consultation c = chat.consultation();
        String reply = chat.doctorSends(c.doctor(), c.sessionId(), "请描述一下症状").data().get("message").get("msg_id").asString();
        assertThat(chat.post(Chat.P, "mark_read", c.patient(), body("session_id", c.sessionId(), "seq", 2)).status())
                .isEqualTo(200);
        assertThat(chat.post(Chat.D, "recall", c.doctor(), body("session_id", c.sessionId(), "msg_id", reply)).status())
                .isEqualTo(200);
        assertThat(chat.post(Chat.D, "consultation/close", c.doctor(), body("session_id", c.sessionId())).status())
                .isEqualTo(200);
        awaitDelivered(c.sessionId(), "consultation.closed");

        List<Receiver.Request> events = delivered(c.sessionId());
        assertThat(types(events)).containsExactly("consultation.opened", "message.created", "consultation.accepted",
                "message.created", "session.read", "message.recalled", "message.created", "message.created",
                "consultation.closed");
        JsonNode toPatient = events.get(3).json().get("data");
        assertThat(toPatient.get("recipient").get("role").asString()).isEqualTo("patient");
        assertThat(toPatient.get("recipient").get("id").asString()).isEqualTo(c.patientId());
        JsonNode read = events.get(4).json().get("data");
        assertThat(read.get("role").asString()).isEqualTo("patient");
        assertThat(read.get("id").asString()).isEqualTo(c.patientId());
        assertThat(read.get("read_seq").asLong()).isEqualTo(2);
        assertThat(events.get(5).json().get("data").get("msg_id").asString()).isEqualTo(reply);
        // the closed system message concerns both parties: one message.created each
        assertThat(List.of(events.get(6), events.get(7)).stream()
                .map(e -> e.json().get("data").get("recipient").get("role").asString())).containsExactlyInAnyOrder("patient", "doctor");
        assertThat(events.get(6).json().get("data").get("message").get("sender_role").asString()).isEqualTo("system");
        assertThat(events.get(8).json().get("data").get("consultation").get("status").asString()).isEqualTo("closed");
        assertThat(events.stream().map(Receiver.Request::id).distinct()).hasSize(events.size());
    }

    @Test
    void aReceiverDownIsRetriedOnTheScheduleThenSucceeds() throws Exception {
        Chat.Consultation pair = chat.newPair();
        down.add(pair.doctorId());
        String sessionId = chat.open(pair.patient(), pair.doctorId());
        awaitTrue(() -> receiver.of("/hook", sessionId).size() == 1, "the first attempt");
        String first = receiver.of("/hook", sessionId).getFirst().id();
        awaitTrue(() -> attempts(first) == 1, "the first attempt recorded");
        JsonNode afterOne = delivery(first);
        assertThat(afterOne.get("status").asString()).isEqualTo("pending");
        assertThat(afterOne.get("last_status").asInt()).isEqualTo(500);
        assertThat(afterOne.get("next_attempt_at").asLong() - clock.millis()).isBetween(2_000L, 5_000L);

        Thread.sleep(300);
        assertThat(receiver.of("/hook", sessionId)).as("nothing before the 5 s are up").hasSize(1);
        clock.advance(Duration.ofSeconds(5));
        awaitTrue(() -> attempts(first) == 2, "the second attempt");
        assertThat(delivery(first).get("next_attempt_at").asLong() - clock.millis()).isBetween(297_000L, 300_000L);

        down.remove(pair.doctorId());
        clock.advance(Duration.ofMinutes(5));
        awaitDelivered(sessionId, "message.created");
        awaitTrue(() -> "succeeded".equals(status(first)), "the success recorded");
        assertThat(delivery(first).get("attempts").asInt()).isEqualTo(3);
        assertThat(types(receiver.of("/hook", sessionId))).containsExactly("consultation.opened", "consultation.opened",
                "consultation.opened", "message.created");
        assertThat(receiver.of("/hook", sessionId).stream().map(Receiver.Request::id).toList().subList(0, 3))
                .as("webhook-id is stable across retries").containsOnly(first);
    }

    @Test
    void fiveHundredForeverEndsFailedVisibleAndRedeliverable() throws Exception {
        Chat.Consultation pair = chat.newPair();
        down.add(pair.doctorId());
        String sessionId = chat.open(pair.patient(), pair.doctorId());
        awaitTrue(() -> receiver.of("/hook", sessionId).size() == 1, "the first attempt");
        String first = receiver.of("/hook", sessionId).getFirst().id();
        for (int attempt = 1; attempt <= WebhookSettings.RETRIES.size(); attempt++) {
            int n = attempt;
            awaitTrue(() -> attempts(first) == n, "attempt " + n + " recorded");
            clock.advance(WebhookSettings.RETRIES.get(attempt - 1));
        }
        awaitTrue(() -> "failed".equals(status(first)), "failed for good");
        JsonNode failed = delivery(first);
        assertThat(failed.get("attempts").asInt()).isEqualTo(10);
        assertThat(failed.get("last_status").asInt()).isEqualTo(500);
        assertThat(failed.get("next_attempt_at").isNull()).isTrue();
        Reply failedList = api.get(A + "deliveries?status=failed&limit=100", admin);
        assertThat(failedList.data().get("list").findValuesAsString("event_id")).contains(first);

        down.remove(pair.doctorId());
        // failed for good, it no longer holds back the session's next event (which may have met the 500 too)
        clock.advance(Duration.ofSeconds(5));
        awaitDelivered(sessionId, "message.created");
        Reply redeliver = api.post(A + "redeliver", admin, body("delivery_id", failed.get("delivery_id").asString()));
        assertThat(redeliver.data().get("queued").asInt()).as(redeliver.raw()).isEqualTo(1);
        awaitDelivered(sessionId, "consultation.opened");
        awaitTrue(() -> "succeeded".equals(status(first)), "the redelivery recorded");
    }

    @Test
    void laterEventsOfASessionWaitWhileOtherSessionsGoOn() throws Exception {
        Chat.Consultation slow = chat.newPair();
        down.add(slow.doctorId());
        String slowSession = chat.open(slow.patient(), slow.doctorId());
        Chat.Consultation other = chat.consultation();
        awaitDelivered(other.sessionId(), "message.created");
        Thread.sleep(200);
        assertThat(types(receiver.of("/hook", slowSession))).containsOnly("consultation.opened");

        down.remove(slow.doctorId());
        clock.advance(Duration.ofSeconds(5));
        awaitDelivered(slowSession, "message.created");
        assertThat(types(delivered(slowSession))).containsExactly("consultation.opened", "message.created");
    }

    @Test
    void aSessionsBacklogGoesOutInOrderAndStopsAtAFailureUntilItsRetry() throws Exception {
        Chat.Consultation pair = chat.newPair();
        release = new java.util.concurrent.CountDownLatch(1);
        held.add(pair.doctorId());
        String sessionId = chat.open(pair.patient(), pair.doctorId());
        // while the session's first event is held at the receiver, the rest piles up behind it
        awaitTrue(() -> holding.get() > 0, "the first event held");
        for (String text : List.of("backlog 1", "backlog 2 refused", "backlog 3", "backlog 4")) {
            assertThat(chat.patientSends(pair.patient(), pair.doctorId(), text).status()).isEqualTo(200);
        }
        refused.add("backlog 2 refused");
        held.remove(pair.doctorId());
        release.countDown();

        awaitTrue(() -> texts(receiver.of("/hook", sessionId)).contains("backlog 2 refused"), "the refused one tried");
        Thread.sleep(300);
        assertThat(texts(receiver.of("/hook", sessionId))).as("nothing of the session after its failed event")
                .containsExactly("您好，我想咨询一下", "backlog 1", "backlog 2 refused");
        assertThat(receiver.of("/hook", sessionId).getLast().answered()).isEqualTo(500);

        refused.remove("backlog 2 refused");
        clock.advance(Duration.ofSeconds(5));
        awaitTrue(() -> texts(delivered(sessionId)).contains("backlog 4"), "the rest after the retry");
        Thread.sleep(200);
        assertThat(types(delivered(sessionId)).getFirst()).isEqualTo("consultation.opened");
        assertThat(texts(delivered(sessionId))).as("each once, in order").containsExactly("您好，我想咨询一下", "backlog 1",
                "backlog 2 refused", "backlog 3", "backlog 4");
    }

    /** The texts of the message.created events among the requests, in order. */
    private static List<String> texts(List<Receiver.Request> requests) {
        return requests.stream().filter(r -> r.type().equals("message.created"))
                .map(r -> r.json().get("data").get("message").get("text").asString()).toList();
    }

    @Test
    void a410DisablesTheEndpoint() throws Exception {
        Chat.Consultation c = chat.consultation();
        awaitTrue(() -> receiver.received.stream().anyMatch(r -> r.path().equals("/gone") && r.answered() == 410),
                "a 410 from /gone");
        awaitTrue(() -> api.get(A + "deliveries?status=pending&endpoint=" + receiver.url("/gone"), admin)
                .data().get("list").isEmpty(), "nothing pending for /gone");
        long asked = receiver.received.stream().filter(r -> r.path().equals("/gone")).count();

        chat.patientSends(c.patient(), c.doctorId(), "还在吗");
        awaitTrue(() -> delivered(c.sessionId()).size() == 3, "the second message to /hook");
        String later = delivered(c.sessionId()).get(2).id();
        Reply gone = api.get(A + "deliveries?limit=100&endpoint=" + receiver.url("/gone"), admin);
        assertThat(gone.data().get("list").findValuesAsString("event_id")).doesNotContain(later);
        assertThat(gone.data().get("list").findValuesAsString("last_status")).contains("410");
        Thread.sleep(200);
        assertThat(receiver.received.stream().filter(r -> r.path().equals("/gone")).count()).isEqualTo(asked);
    }

    @Test
    void eventsWhileAnEndpointIsDisabledAreNotSentOnceItIsEnabledAgain() throws Exception {
        Chat.Consultation c = chat.consultation();
        awaitTrue(() -> receiver.received.stream().anyMatch(r -> r.path().equals("/gone") && r.answered() == 410),
                "a 410 from /gone");
        awaitGoneDisabledBy(receiver.received.stream().filter(r -> r.path().equals("/gone") && r.answered() == 410)
                .toList().getLast().id());
        chat.patientSends(c.patient(), c.doctorId(), "while /gone is disabled");
        awaitTrue(() -> texts(delivered(c.sessionId())).contains("while /gone is disabled"), "the message to /hook");

        Reply enabled = api.post(A + "redeliver", admin, body("endpoint", receiver.url("/gone"), "since", clock.millis()));
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        chat.patientSends(c.patient(), c.doctorId(), "after /gone is enabled");
        awaitTrue(() -> texts(receiver.of("/gone", c.sessionId())).contains("after /gone is enabled"),
                "the next message to /gone");
        // /gone answers 410 again: disabled once more, as the other tests expect it
        awaitGoneDisabledBy(receiver.of("/gone", c.sessionId()).getLast().id());
        assertThat(texts(receiver.of("/gone", c.sessionId()))).doesNotContain("while /gone is disabled");
    }

    /**
     * The fan-out path (the servers), where two runs to one endpoint are in flight at once: the one
     * answered 410 first disables the endpoint and fails its pending rows, but not the row still
     * being sent, whose own answer is recorded when it comes.
     */
    @Test
    @Tag("server-db")
    void aDeliveryInFlightWhenItsEndpointIsDisabledKeepsItsOwnAnswer() throws Exception {
        Reply enabled = api.post(A + "redeliver", admin, body("endpoint", receiver.url("/gone"), "since", clock.millis()));
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        Chat.Consultation first = chat.newPair();
        release = new java.util.concurrent.CountDownLatch(1);
        heldAtGone.add(first.doctorId());
        try {
            String session = chat.open(first.patient(), first.doctorId());
            awaitTrue(() -> holding.get() > 0, "the first message held at /gone");
            Chat.Consultation second = chat.consultation();
            awaitTrue(() -> !receiver.of("/gone", second.sessionId()).isEmpty(), "the second message at /gone");
            awaitGoneDisabledBy(receiver.of("/gone", second.sessionId()).getFirst().id());
            release.countDown();
            awaitTrue(() -> !receiver.of("/gone", session).isEmpty(), "the first message answered");
            awaitGoneDisabledBy(receiver.of("/gone", session).getFirst().id());
        } finally {
            heldAtGone.remove(first.doctorId());
            release.countDown();
        }
    }

    /** Waits until the failed delivery of this event to /gone, answered 410, is written: /gone is disabled from then on. */
    private void awaitGoneDisabledBy(String eventId) throws InterruptedException {
        awaitTrue(() -> {
            Reply r = api.get(A + "deliveries?status=failed&limit=100&endpoint=" + receiver.url("/gone"), admin);
            for (JsonNode d : r.data().get("list")) {
                if (d.get("event_id").asString().equals(eventId) && d.get("last_status").asInt() == 410) {
                    return true;
                }
            }
            return false;
        }, "/gone disabled by its 410 to " + eventId);
    }

    @Test
    void anEventHeldAtTheReceiverCountsAsPendingWithItsAge() throws Exception {
        Chat.Consultation pair = chat.newPair();
        release = new java.util.concurrent.CountDownLatch(1);
        held.add(pair.doctorId());
        try {
            double before = gauge("medmsg_webhook_pending");
            chat.open(pair.patient(), pair.doctorId());
            awaitTrue(() -> holding.get() > 0, "the first event held");
            clock.advance(Duration.ofSeconds(90));
            // the held event, and the session's message behind it
            awaitTrue(() -> gauge("medmsg_webhook_pending") >= before + 2
                    && gauge("medmsg_webhook_oldest_pending_age_seconds") >= 90, "the held event pending for 90 s");
        } finally {
            held.remove(pair.doctorId());
            release.countDown();
        }
    }

    @Test
    void aFirstAttemptThatSucceedsIsListedWithItsStatus() throws Exception {
        Chat.Consultation c = chat.consultation();
        awaitDelivered(c.sessionId(), "message.created");
        String opened = delivered(c.sessionId()).getFirst().id();
        awaitTrue(() -> "succeeded".equals(status(opened)), "the success recorded");
        JsonNode d = delivery(opened);
        assertThat(d.get("type").asString()).isEqualTo("consultation.opened");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("last_status").asInt()).isEqualTo(200);
        assertThat(d.get("last_error").isNull()).isTrue();
        assertThat(d.get("next_attempt_at").isNull()).isTrue();
    }

    /** A gauge's value from /actuator/prometheus. */
    private double gauge(String name) {
        Reply r = api.send(api.builder("/actuator/prometheus", admin));
        return r.raw().lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in " + r.raw()));
    }

    @Test
    void aResendIsAnnouncedOnceAndARefusedSendNotAtAll() throws Exception {
        Chat.Consultation c = chat.consultation();
        String msgId = chat.patientSends(c.patient(), c.doctorId(), "复查结果", "resend-1").data().get("message")
                .get("msg_id").asString();
        assertThat(chat.patientSends(c.patient(), c.doctorId(), "复查结果", "resend-1").status()).isEqualTo(200);
        // a different text under the same client_msg_id is refused (409) and writes nothing
        assertThat(chat.patientSends(c.patient(), c.doctorId(), "别的内容", "resend-1").status()).isEqualTo(409);
        chat.patientSends(c.patient(), c.doctorId(), "last one");
        awaitTrue(() -> delivered(c.sessionId()).size() == 4, "four events");
        Thread.sleep(200);
        List<Receiver.Request> events = delivered(c.sessionId());
        assertThat(types(events)).containsExactly("consultation.opened", "message.created", "message.created",
                "message.created");
        assertThat(events.stream().filter(e -> e.type().equals("message.created"))
                .map(e -> e.json().get("data").get("message").get("msg_id").asString())
                .filter(msgId::equals)).hasSize(1);
        assertThat(events.get(3).json().get("data").get("recipient").get("unread_count").asLong()).isEqualTo(3);
    }

    @Test
    void aNoticeOfTheBackEndIsAnnouncedToBothParties() throws Exception {
        Chat.Consultation c = chat.consultation();
        Reply notice = api.post("/msg_service/msg/admin/send_system_msg", admin,
                body("session_id", c.sessionId(), "text", "处方已审核", "client_msg_id", "rx-1"));
        assertThat(notice.status()).as(notice.raw()).isEqualTo(200);
        awaitTrue(() -> delivered(c.sessionId()).size() == 4, "four events");
        List<Receiver.Request> notices = delivered(c.sessionId()).subList(2, 4);
        assertThat(notices.stream().map(e -> e.json().get("data").get("recipient").get("role").asString()))
                .containsExactlyInAnyOrder("patient", "doctor");
        assertThat(notices).allMatch(e -> e.json().get("data").get("message").get("text").asString().equals("处方已审核"));
        assertThat(notices.get(0).id()).isNotEqualTo(notices.get(1).id());
    }

    @Test
    void theOpenApiDocumentListsTheWebhookEndpoints() {
        Reply docs = api.get("/v3/api-docs", null);
        assertThat(docs.body().get("paths").has(A + "deliveries")).isTrue();
        assertThat(docs.body().get("paths").has(A + "redeliver")).isTrue();
    }

    @Test
    void theAdminApiIsForAdminsAndChecksItsParameters() {
        Chat.Consultation pair = chat.newPair();
        assertThat(api.get(A + "deliveries", pair.doctor()).status()).isEqualTo(403);
        assertThat(api.get(A + "deliveries?status=lost", admin).code()).isEqualTo(40001);
        assertThat(api.get(A + "deliveries?limit=0", admin).code()).isEqualTo(40001);
        assertThat(api.get(A + "deliveries?cursor=abc", admin).code()).isEqualTo(40002);
        assertThat(api.post(A + "redeliver", admin, body("endpoint", "https://elsewhere.example/hook", "since", 0)).code())
                .isEqualTo(40001);
        assertThat(api.post(A + "redeliver", admin, body()).code()).isEqualTo(40001);
    }

    @Test
    void deliveriesPageNewestFirstWithACursor() throws Exception {
        Chat.Consultation c = chat.consultation();
        awaitDelivered(c.sessionId(), "message.created");
        Reply first = api.get(A + "deliveries?limit=2", admin);
        String cursor = first.data().get("next_cursor").asString();
        Reply second = api.get(A + "deliveries?limit=2&cursor=" + cursor, admin);
        Set<String> ids = new HashSet<>(first.data().get("list").findValuesAsString("delivery_id"));
        assertThat(second.data().get("list").findValuesAsString("delivery_id")).hasSize(2).noneMatch(ids::contains);
        assertThat(Long.parseLong(first.data().get("list").get(0).get("delivery_id").asString()))
                .isGreaterThan(Long.parseLong(first.data().get("list").get(1).get("delivery_id").asString()));
    }

    @Test
    void prometheusShowsPendingOldestAgeOutcomesAndFailed() throws Exception {
        Chat.Consultation c = chat.consultation();
        awaitDelivered(c.sessionId(), "message.created");
        Reply r = api.send(api.builder("/actuator/prometheus", admin));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw()).contains("medmsg_webhook_pending ", "medmsg_webhook_failed ",
                "medmsg_webhook_oldest_pending_age_seconds ", "medmsg_webhook_deliveries_total{outcome=\"succeeded\"}");
    }
}
