package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/** Every error a client can meet comes in the envelope, with the request id and no internals. */
class EnvelopeTest extends ApiTest {

    private final String admin = Tokens.admin("admin-envelope");
    private static final String UPSERT = "/pati_service/manager_service/doctors";

    private static void assertEnvelope(Reply reply, int status, int code) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.code()).isEqualTo(code);
        assertThat(reply.body().get("data").isNull()).isTrue();
        assertThat(reply.msg()).isNotBlank();
        assertThat(reply.body().get("request_id").asString()).isNotBlank();
        assertThat(reply.raw()).doesNotContain("Exception").doesNotContain("springframework").doesNotContain("\tat ");
    }

    @Test
    void successHasCodeZeroAndRequestId() {
        Reply reply = api.get("/pati_service/manager_service/doctor_list", admin);
        assertThat(reply.code()).isZero();
        assertThat(reply.msg()).isEqualTo("ok");
        assertThat(reply.body().get("request_id").asString()).isNotBlank();
    }

    @Test
    void unknownRouteIs404() {
        assertEnvelope(api.get("/no/such/route", admin), 404, 40401);
    }

    @Test
    void wrongMethodIs405() {
        assertEnvelope(api.send("DELETE", "/pati_service/manager_service/doctor_list", admin, Map.of(), null), 405, 40501);
    }

    @Test
    void wrongContentTypeIs415() {
        assertEnvelope(api.send("PUT", UPSERT, admin, Map.of("Content-Type", "text/plain"), "{\"doctors\":[]}"), 415, 41501);
    }

    @Test
    void malformedJsonIs400() {
        assertEnvelope(api.send("PUT", UPSERT, admin, Map.of("Content-Type", "application/json"), "{\"doctors\": [}"),
                400, 40001);
    }

    @Test
    void wrongJsonTypeNamesTheField() {
        Reply reply = api.send("PUT", UPSERT, admin, Map.of("Content-Type", "application/json"), "{\"doctors\": 5}");
        assertEnvelope(reply, 400, 40001);
        assertThat(reply.msg()).contains("doctors");
    }

    @Test
    void bodyOverLimitIs413() {
        String big = "{\"doctors\":[],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        Reply reply = api.send("PUT", UPSERT, admin, Map.of("Content-Type", "application/json"), big);
        assertEnvelope(reply, 413, 41301);
        assertThat(reply.msg()).contains("65536");
    }

    @Test
    void chunkedBodyOverLimitIs413() throws Exception {
        String chunk = "{\"doctors\":[],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + UPSERT + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + admin
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("\"code\":41301");
        }
    }

    @Test
    void aRequestTomcatCannotParseStillGetsTheEnvelope() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /pati_service/manager_service/doctor_list?dept=\u5185 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).contains("application/json").contains("\"code\":40001").doesNotContain("<html");
        }
    }

    @Test
    void missingRequiredQueryParameterNamesIt() {
        // page_size is bounded; a missing body is the same class of error
        Reply reply = api.send("PUT", UPSERT, admin, Map.of("Content-Type", "application/json"), "");
        assertEnvelope(reply, 400, 40001);
    }

    @Test
    void clientRequestIdIsEchoed() {
        Reply reply = api.send("GET", "/no/such/route", admin, Map.of("X-Request-Id", "trace-123"), null);
        assertThat(reply.body().get("request_id").asString()).isEqualTo("trace-123");
        assertThat(reply.header("X-Request-Id")).isEqualTo("trace-123");
    }

    @Test
    void unusableRequestIdIsReplaced() {
        Reply reply = api.send("GET", "/no/such/route", admin, Map.of("X-Request-Id", "bad id with spaces"), null);
        assertThat(reply.body().get("request_id").asString()).isNotEqualTo("bad id with spaces").isNotBlank();
    }

    @Test
    void requestIdIsPresentOnAuthenticationFailures() {
        Reply reply = api.send("GET", "/pati_service/manager_service/doctor_list", null, Map.of("X-Request-Id", "r-401"), null);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body().get("request_id").asString()).isEqualTo("r-401");
    }

    @Test
    void healthAndApiDocsNeedNoToken() {
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        Reply docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().get("paths").has("/pati_service/manager_service/doctor_list")).isTrue();
    }

    @Test
    void prometheusIsForAdmins() {
        assertThat(api.get("/actuator/prometheus", Tokens.patient("p1")).status()).isEqualTo(403);
        assertThat(api.get("/actuator/prometheus", admin).status()).isEqualTo(200);
    }
}
