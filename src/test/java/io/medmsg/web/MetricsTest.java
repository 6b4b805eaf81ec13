package io.medmsg.web;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.SseClient;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/**
 * The domain metrics of docs/deploy.md ("Metrics") on {@code /actuator/prometheus}: after sends,
 * a resend, a held poll, an event stream, uploads, a rate-limit hit and refused tokens, every
 * metric the table documents is exposed, and each one these requests touch has moved by them.
 */
class MetricsTest extends ApiTest {

    private static final String ADMIN = Tokens.admin("metrics-reader");

    @DynamicPropertySource
    static void defaultRateLimit(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        // the default limits, so that one sender can run into them
        registry.add("medmsg.limits.send-rate-per-second", () -> "10");
        registry.add("medmsg.limits.send-burst", () -> "20");
    }

    private Chat chat;

    @BeforeEach
    void setUp() {
        chat = new Chat(api);
    }

    @Test
    void everyDocumentedMetricIsExposedAndMovesWithTheRequestsItCounts() throws Exception {
        String before = scrape();
        Chat.Consultation c = chat.consultation();

        // sends: committed text (the session's first message above, then these), a resend, a doctor's reply
        assertThat(chat.patientSends(c.patient(), c.doctorId(), "again", "m-1").status()).isEqualTo(200);
        assertThat(chat.patientSends(c.patient(), c.doctorId(), "again", "m-1").status()).isEqualTo(200);
        assertThat(chat.doctorSends(c.doctor(), c.sessionId(), "reply").status()).isEqualTo(200);

        // a held long-poll, counted while it waits, woken by the doctor's next message
        holdPollAndWake(c, () -> { });

        // an event stream, counted while it is open
        try (SseClient stream = new SseClient(api, Chat.D + "events", c.doctor(), null).awaitConnected(10)) {
            assertThat(value(scrape(), "medmsg_streams_open", "")).isGreaterThanOrEqualTo(1);
        }

        // an upload made ready and sent as an image, and one rejected for bytes not of its type
        Uploads uploads = new Uploads(api);
        byte[] png = Samples.png(2_000);
        JsonNode slot = uploads.slot("patient", c.patient(), "x.png", "image/png", png, true);
        assertThat(Uploads.put(slot, png).statusCode()).isEqualTo(200);
        assertThat(uploads.confirm("patient", c.patient(), slot.get("file_id").asString()).status()).isEqualTo(200);
        assertThat(api.post(Chat.P + "send_res_msg", c.patient(), body("doctor_id", c.doctorId(),
                "file_id", slot.get("file_id").asString())).status()).isEqualTo(200);
        byte[] notPng = Samples.of("application/pdf", 2_000);
        JsonNode bad = uploads.slot("patient", c.patient(), "y.png", "image/png", notPng, false);
        assertThat(Uploads.put(bad, notPng).statusCode()).isEqualTo(200);
        assertThat(uploads.confirm("patient", c.patient(), bad.get("file_id").asString()).status()).isEqualTo(415);

        // one sender over the limit (burst 20)
        String greedy = Tokens.patient(unique("greedy"));
        int status = 200;
        for (int i = 0; i < 60 && status == 200; i++) {
            status = chat.patientSends(greedy, c.doctorId(), "m" + i).status();
        }
        assertThat(status).isEqualTo(429);

        // refused tokens: none, not a JWT, expired, and the wrong role
        assertThat(api.get(Chat.P + "session_list", null).status()).isEqualTo(401);
        assertThat(api.get(Chat.P + "session_list", "not-a-jwt").status()).isEqualTo(401);
        Instant hourAgo = Instant.now().minusSeconds(3600);
        String expired = Tokens.hs256(Tokens.claims("p-old", "patient").issueTime(Date.from(hourAgo.minusSeconds(60)))
                .expirationTime(Date.from(hourAgo)).build());
        assertThat(api.get(Chat.P + "session_list", expired).status()).isEqualTo(401);
        assertThat(api.get(Chat.D + "session_list", c.patient()).status()).isEqualTo(403);

        String after = scrape();
        for (String name : documentedMetrics()) {
            assertThat(exposed(after, name)).as("%s is documented in docs/deploy.md and exposed; exposed:\n%s", name,
                    String.join("\n", after.lines().filter(l -> l.startsWith("medmsg_")).toList())).isTrue();
        }
        assertMoved(before, after, "medmsg_messages_sent_total", "outcome=\"committed\",type=\"text\"", 4 + 20);
        assertMoved(before, after, "medmsg_messages_sent_total", "outcome=\"resend\",type=\"text\"", 1);
        assertMoved(before, after, "medmsg_messages_sent_total", "outcome=\"committed\",type=\"image\"", 1);
        assertMoved(before, after, "medmsg_send_latency_seconds_count", "", 4 + 20 + 1);
        assertMoved(before, after, "medmsg_db_batch_size_count", "", 1);
        assertMoved(before, after, "medmsg_uploads_total", "outcome=\"ready\"", 1);
        assertMoved(before, after, "medmsg_uploads_total", "outcome=\"rejected_type\"", 1);
        assertMoved(before, after, "medmsg_rate_limited_total", "role=\"patient\"", 1);
        assertMoved(before, after, "medmsg_auth_failures_total", "reason=\"missing\"", 1);
        assertMoved(before, after, "medmsg_auth_failures_total", "reason=\"invalid\"", 1);
        assertMoved(before, after, "medmsg_auth_failures_total", "reason=\"expired\"", 1);
        assertMoved(before, after, "medmsg_auth_failures_total", "reason=\"role\"", 1);
        // the sends' and reads' audit records reach audit_records within about a second
        double movedBefore = value(before, "medmsg_audit_records_moved_total", "");
        awaitAtLeast(() -> value(scrape(), "medmsg_audit_records_moved_total", ""), movedBefore + 4 + 20);
    }

    /**
     * A held request is timed by http.server.requests once answered; no gauge tracks it while it
     * waits (docs/deploy.md, "Metrics": such a timer kept every held poll and open stream in a list).
     */
    @Test
    void aHeldPollIsTimedOnceAnsweredAndNoInFlightTimerTracksIt() throws Exception {
        Chat.Consultation c = chat.consultation();
        String uri = "uri=\"" + Chat.P + "new_msg\"";
        String before = scrape();
        holdPollAndWake(c, () -> {
            String waiting = scrape();
            assertThat(exposed(waiting, "http_server_requests_active_seconds")).as(waiting).isFalse();
        });

        // the answered poll and the one before it, which was answered at once
        awaitAtLeast(() -> value(scrape(), "http_server_requests_seconds_count", uri) - value(before,
                "http_server_requests_seconds_count", uri), 2);
    }

    /**
     * http.server.requests carries the tags Spring's HTTP observation gave it (web.RequestTimer
     * replaced it; docs/deploy.md's alerts and the dashboard query them): the route's pattern as
     * uri, UNKNOWN for a request the security chain or the body cap refused, the outcome by status
     * class.
     */
    @Test
    void requestsAreTimedWithTheTagsSpringsHttpObservationGaveThem() throws Exception {
        Chat.Consultation c = chat.consultation();
        String newMsg = Chat.P + "new_msg?session_id=" + c.sessionId() + "&after_seq=0";
        String before = scrape();
        assertThat(api.get(newMsg, c.patient()).status()).isEqualTo(200);
        assertThat(api.get(newMsg, null).status()).isEqualTo(401);
        assertThat(api.send("POST", Chat.P + "send_text_msg", c.patient(), Map.of("Content-Type", "application/json"),
                "{bad").status()).isEqualTo(400);
        assertThat(api.send("DELETE", newMsg, c.patient(), Map.of(), null).status()).isEqualTo(405);
        String overTheCap = "{\"doctor_id\":\"d1001\",\"text\":\"" + "a".repeat(70_000) + "\"}";
        assertThat(api.send("POST", Chat.P + "send_text_msg", c.patient(), Map.of("Content-Type", "application/json"),
                overTheCap).status()).isEqualTo(413);

        String after = scrape();
        assertMoved(before, after, "http_server_requests_seconds_count", tags("GET", "SUCCESS", 200, Chat.P + "new_msg"), 1);
        assertMoved(before, after, "http_server_requests_seconds_count", tags("GET", "CLIENT_ERROR", 401, "UNKNOWN"), 1);
        assertMoved(before, after, "http_server_requests_seconds_count",
                tags("POST", "CLIENT_ERROR", 400, Chat.P + "send_text_msg"), 1);
        assertMoved(before, after, "http_server_requests_seconds_count", tags("DELETE", "CLIENT_ERROR", 405, "UNKNOWN"), 1);
        // refused by web.BodyLimitFilter, which runs inside the timer
        assertMoved(before, after, "http_server_requests_seconds_count", tags("POST", "CLIENT_ERROR", 413, "UNKNOWN"), 1);
        assertThat(after).as("Boot's in-flight gauge and Spring's observation are off")
                .doesNotContain("http_server_requests_active").contains("# TYPE http_server_requests_seconds summary");
    }

    /**
     * On PostgreSQL and MySQL/MariaDB the group-commit writer has a connection of its own, in a
     * pool of one outside the pool (db.WriterRouting): it has the pool metrics Spring Boot gives the
     * pool. On SQLite the writer's connection is one of the pool's, and there is no such pool.
     */
    @Test
    void theWritersOwnConnectionHasPoolMetricsWhereItHasOne() throws Exception {
        chat.consultation();
        String metrics = scrape();
        boolean ownConnection = TestDatabase.kind() != TestDatabase.Kind.SQLITE;
        assertThat(metrics.contains("hikaricp_connections_max{pool=\"medmsg-for-writer\"} 1.0"))
                .as("the writer's own pool of one connection").isEqualTo(ownConnection);
        assertThat(metrics).contains("hikaricp_connections_max{pool=\"medmsg\"}");
    }

    private static String tags(String method, String outcome, int status, String uri) {
        return "{error=\"none\",exception=\"none\",method=\"" + method + "\",outcome=\"" + outcome + "\",status=\""
                + status + "\",uri=\"" + uri + "\"}";
    }

    @Test
    void theGrafanaDashboardChartsEveryDocumentedMetric() throws Exception {
        JsonNode dashboard = io.medmsg.support.Api.JSON.readTree(Files.readString(Path.of("docs/grafana/medmsg.json")));
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> queries.add(t.get("expr").asString())));
        for (String name : documentedMetrics()) {
            assertThat(queries).as("a panel of docs/grafana/medmsg.json queries %s", name)
                    .anySatisfy(q -> assertThat(q).containsPattern("\\b" + name + "(_bucket|_sum|_count)?\\{"));
        }
    }

    /**
     * Holds the patient's {@code new_msg} (after the session's last seq, {@code wait=30}), runs
     * {@code whileHeld} once the service counts it held, then wakes it with the doctor's next
     * message: answered 200.
     */
    private void holdPollAndWake(Chat.Consultation c, WhileHeld whileHeld) throws Exception {
        long last = chat.get(Chat.P, "new_msg", c.patient(), "session_id=" + c.sessionId()).data().get("last_seq").asLong();
        CompletableFuture<HttpResponse<String>> held = Uploads.HTTP.sendAsync(api.builder(Chat.P + "new_msg?session_id="
                + c.sessionId() + "&after_seq=" + last + "&wait=30", c.patient()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        awaitAtLeast(() -> value(scrape(), "medmsg_polls_held", ""), 1);
        whileHeld.check();
        assertThat(chat.doctorSends(c.doctor(), c.sessionId(), "woken").status()).isEqualTo(200);
        assertThat(held.get().statusCode()).isEqualTo(200);
    }

    @FunctionalInterface
    private interface WhileHeld {
        void check() throws Exception;
    }

    /** The metric names of docs/deploy.md's table, as Prometheus shows them. */
    static List<String> documentedMetrics() throws Exception {
        String doc = Files.readString(Path.of("docs/deploy.md"));
        String section = doc.substring(doc.indexOf("## Metrics"));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `(medmsg_[a-z_]+)`").matcher(section);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("the metrics table of docs/deploy.md").contains("medmsg_messages_sent_total",
                "medmsg_send_latency_seconds", "medmsg_db_batch_size", "medmsg_polls_held", "medmsg_streams_open",
                "medmsg_wakeup_latency_seconds", "medmsg_uploads_total", "medmsg_rate_limited_total",
                "medmsg_auth_failures_total");
        return names;
    }

    /** Whether a sample of the metric (or of its histogram's series) is in the exposition. */
    private static boolean exposed(String exposition, String name) {
        return Pattern.compile("(?m)^" + Pattern.quote(name) + "(_bucket|_count|_sum|_max)?[{ ]").matcher(exposition).find();
    }

    private static void assertMoved(String before, String after, String name, String labels, double atLeast) {
        assertThat(value(after, name, labels) - value(before, name, labels)).as("%s{%s} grew", name, labels)
                .isGreaterThanOrEqualTo(atLeast);
    }

    /** The sample of {@code name} whose labels contain {@code labels} (all of them: "" for an unlabelled one); 0 if none. */
    static double value(String exposition, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)").matcher(exposition);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (found.contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private String scrape() {
        Reply r = api.get("/actuator/prometheus", ADMIN);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.raw();
    }

    private static void awaitAtLeast(DoubleSupplier value, double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (value.getAsDouble() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(value.getAsDouble()).isGreaterThanOrEqualTo(atLeast);
    }
}
