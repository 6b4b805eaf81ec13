package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/**
 * send_text_msg is answered by {@link SendTextFastPath} when the request is plain, and by the
 * usual chain otherwise: what the fast path takes, what it leaves, and that a client cannot tell
 * the two apart.
 */
class SendTextFastPathTest extends ApiTest {

    @Autowired
    private FilterRegistrationBean<SendTextFastPath> registration;

    private Chat chat;
    private String doctorId;
    private String patient;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        patient = Tokens.patient(unique("pat"), "李四");
    }

    private MockHttpServletRequest plainSend(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", SendTextFastPath.PATIENT);
        request.setContentType("application/json");
        request.addHeader("Authorization", "Bearer " + patient);
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }

    private String text(String text) {
        return "{\"doctor_id\":\"" + doctorId + "\",\"text\":\"" + text + "\"}";
    }

    /** Runs the filter; returns the request the usual chain was given, or null if it was not called. */
    private ServletRequest filter(MockHttpServletRequest request, MockHttpServletResponse response) throws Exception {
        AtomicReference<ServletRequest> passedOn = new AtomicReference<>();
        FilterChain usual = (req, res) -> passedOn.set(req);
        registration.getFilter().doFilter(request, response, usual);
        return passedOn.get();
    }

    @Test
    void aPlainSendIsAnsweredWithoutTheUsualChain() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThat(filter(plainSend(text("hello")), response)).isNull();
        assertThat(response.getStatus()).isEqualTo(200);
        var reply = Api.JSON.readTree(response.getContentAsByteArray());
        assertThat(reply.get("code").asInt()).isZero();
        assertThat(reply.get("data").get("message").get("seq").asLong()).isEqualTo(1);
        assertThat(reply.get("request_id").asString()).isNotBlank();
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void aRefusalOnTheFastPathIsTheUsualEnvelope() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThat(filter(plainSend(text(" ")), response)).isNull();
        assertThat(response.getStatus()).isEqualTo(400);
        var reply = Api.JSON.readTree(response.getContentAsByteArray());
        assertThat(reply.get("code").asInt()).isEqualTo(40001);
        assertThat(reply.get("msg").asString()).contains("text");
        assertThat(reply.get("request_id").asString()).isNotBlank();
    }

    @Test
    void whatIsNotPlainGoesTheUsualWayUntouched() throws Exception {
        Map<String, MockHttpServletRequest> cases = new TreeMap<>();
        cases.put("another content type", plainSend(text("x")));
        cases.get("another content type").setContentType("text/plain");
        cases.put("another charset", plainSend(text("x")));
        cases.get("another charset").setContentType("application/json;charset=ISO-8859-1");
        cases.put("no token", plainSend(text("x")));
        cases.get("no token").removeHeader("Authorization");
        cases.put("a bad token", plainSend(text("x")));
        cases.get("a bad token").removeHeader("Authorization");
        cases.get("a bad token").addHeader("Authorization", "Bearer not.a.token");
        cases.put("a doctor's token", plainSend(text("x")));
        cases.get("a doctor's token").removeHeader("Authorization");
        cases.get("a doctor's token").addHeader("Authorization", "Bearer " + Tokens.doctor(doctorId));
        cases.put("a query string", plainSend(text("x")));
        cases.get("a query string").setQueryString("access_token=" + patient);
        cases.put("another method", plainSend(text("x")));
        cases.get("another method").setMethod("PUT");
        cases.put("another path", plainSend(text("x")));
        cases.get("another path").setRequestURI(Chat.P + "send_res_msg");
        for (var c : cases.entrySet()) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            assertThat(filter(c.getValue(), response)).as(c.getKey()).isSameAs(c.getValue());
            assertThat(response.isCommitted()).as(c.getKey()).isFalse();
            assertThat(response.getContentAsByteArray()).as(c.getKey()).isEmpty();
        }
    }

    @Test
    void aBodyThatDoesNotBindReachesTheUsualChainWithTheSameBytes() throws Exception {
        String body = "{\"doctor_id\": [\"" + doctorId + "\"], \"text\": \"x\"}";
        MockHttpServletResponse response = new MockHttpServletResponse();
        ServletRequest passedOn = filter(plainSend(body), response);
        assertThat(passedOn).isNotNull();
        assertThat(new String(passedOn.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(response.getContentAsByteArray()).isEmpty();
    }

    @Test
    void fastAndUsualAnswersCarryTheSameHeaders() {
        Reply fast = api.send("POST", Chat.P + "send_text_msg", patient, Map.of("Content-Type", "application/json"),
                text("fast"));
        // a charset spelt in quotes is not taken by the fast path; Spring MVC reads it as usual
        Reply usual = api.send("POST", Chat.P + "send_text_msg", patient,
                Map.of("Content-Type", "application/json; charset=\"utf-8\""), text("usual"));
        assertThat(fast.status()).isEqualTo(200);
        assertThat(usual.status()).isEqualTo(200);
        assertThat(usual.data().get("message").get("seq").asLong()).isEqualTo(2);
        Set<String> varying = Set.of("date", "content-length", "transfer-encoding", "x-request-id", ":status");
        assertThat(headers(fast, varying)).isEqualTo(headers(usual, varying));
        assertThat(fastFieldNames(fast)).isEqualTo(fastFieldNames(usual));
    }

    private static Map<String, java.util.List<String>> headers(Reply reply, Set<String> except) {
        Map<String, java.util.List<String>> kept = new TreeMap<>();
        reply.headers().forEach((name, values) -> {
            if (!except.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                kept.put(name.toLowerCase(java.util.Locale.ROOT), values);
            }
        });
        return kept;
    }

    private static Set<String> fastFieldNames(Reply reply) {
        Set<String> names = new java.util.TreeSet<>();
        reply.body().properties().forEach(e -> names.add(e.getKey()));
        reply.data().get("message").properties().forEach(e -> names.add("message." + e.getKey()));
        return names;
    }

    @Test
    void fastSendsAreCountedUnderTheirRoute() throws InterruptedException {
        double before = sendsCounted();
        assertThat(chat.patientSends(patient, doctorId, "counted").status()).isEqualTo(200);
        // the timer stops when the request's filters return, which may be just after the client has the answer
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sendsCounted() < before + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sendsCounted()).isEqualTo(before + 1);
    }

    /** http.server.requests for successful patient sends, as Prometheus scrapes it. */
    private double sendsCounted() {
        String metrics = api.get("/actuator/prometheus", Tokens.admin("admin-metrics")).raw();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("http_server_requests_seconds_count\\{[^}]*status=\"200\""
                + "[^}]*uri=\"/msg_service/msg/patient/send_text_msg\"[^}]*} ([0-9.eE+]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
