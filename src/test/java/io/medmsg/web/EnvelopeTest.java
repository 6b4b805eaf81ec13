package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

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

    @Autowired
    RequestMappingHandlerAdapter handlers;

    /** Else a read's held answer would not be held: its record would be waited for first, more slowly. */
    @Test
    void jsonAnswersAreWrittenByTheConverterThatCanHoldThem() {
        HttpMessageConverter<?> json = handlers.getMessageConverters().stream()
                .filter(c -> c.canWrite(Envelope.class, MediaType.APPLICATION_JSON)).findFirst().orElseThrow();
        assertThat(HeldAnswers.canHold(json.getClass())).as("%s holds answers", json.getClass().getName()).isTrue();
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping routes;

    /** Spring's own processor of response bodies would take them too, at several times the cost. */
    @Test
    void everyEnvelopeAnsweredIsWrittenByEnvelopeAnswers() {
        List<HandlerMethodReturnValueHandler> answers = handlers.getReturnValueHandlers();
        List<HandlerMethod> enveloped = routes.getHandlerMethods().values().stream()
                .filter(m -> Envelope.class.isAssignableFrom(m.getReturnType().getParameterType())).toList();
        assertThat(enveloped).as("controller methods answering an Envelope").hasSizeGreaterThan(20);
        for (HandlerMethod method : enveloped) {
            HandlerMethodReturnValueHandler first = answers.stream()
                    .filter(h -> h.supportsReturnType(method.getReturnType())).findFirst().orElseThrow();
            assertThat(first).as(method.toString()).isInstanceOf(EnvelopeAnswers.class);
        }
    }

    @Autowired
    DispatcherServlet dispatcher;

    /**
     * The actuator's routes are patterns: while its mapping was asked first, every API request was
     * tried against each of them. It still answers its own routes.
     */
    @Test
    void theApiRoutesAreLookedUpFirst() {
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        assertThat(dispatcher.getHandlerMappings()).first().isSameAs(routes);
    }

    /** Spring's resolver would take them too, with a data binder each (see QueryParams). */
    @Test
    void everyTextAndNumericQueryParameterIsReadByQueryParams() {
        List<MethodParameter> read = routes.getHandlerMethods().values().stream()
                .flatMap(m -> Arrays.stream(m.getMethodParameters()))
                .filter(p -> p.hasParameterAnnotation(RequestParam.class))
                .filter(p -> p.getParameterType() != Boolean.class)
                .toList();
        assertThat(read).as("query parameters").hasSizeGreaterThan(30);
        for (MethodParameter parameter : read) {
            HandlerMethodArgumentResolver first = handlers.getArgumentResolvers().stream()
                    .filter(r -> r.supportsParameter(parameter)).findFirst().orElseThrow();
            assertThat(first).as(parameter.toString()).isInstanceOf(QueryParams.class);
        }
    }

    /** Not chunked: the envelope is written whole, and the container then knows and sends its length. */
    @Test
    void anAnswerGoesOutWithItsLength() {
        Reply reply = api.get("/pati_service/manager_service/doctor_list", admin);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Transfer-Encoding")).isNull();
        assertThat(reply.header("Content-Length")).isEqualTo(String.valueOf(reply.raw().getBytes(StandardCharsets.UTF_8).length));
    }

    /**
     * What lets EnvelopeAnswers leave out Spring's Content-Disposition check: a path can end in a
     * file name such as {@code x.bat} (reflected file download) only through a {@code ;}, and no
     * request with one, plain or %-encoded, reaches a controller.
     */
    @Test
    void aPathWithASemicolonReachesNoController() throws Exception {
        for (String path : new String[] {"doctor_list;x.bat", "doctor_list%3bx.bat", "doctor_list%3Bx.bat"}) {
            String response = raw("GET /pati_service/manager_service/" + path + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n");
            assertThat(response).as(path).startsWith("HTTP/1.1 400 ").doesNotContain("\"code\":0,")
                    .doesNotContainIgnoringCase("Content-Disposition");
        }
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

    /** Sends raw bytes (what a proper client would never send) and returns the whole response. */
    private String raw(byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String raw(String request) throws Exception {
        return raw(request.getBytes(StandardCharsets.UTF_8));
    }

    /** A response Jetty wrote itself, before or outside Spring, still has the envelope. */
    private static void assertContainerEnvelope(String response, int status, int code) {
        assertThat(response).startsWith("HTTP/1.1 " + status + " ");
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(head).containsIgnoringCase("Content-Type: application/json");
        assertThat(body).startsWith("{\"code\":" + code + ",").contains("\"data\":null")
                .containsPattern("\"msg\":\"[^\"]+\"").containsPattern("\"request_id\":\"[A-Za-z0-9._:-]+\"")
                .doesNotContain("<html").doesNotContain("Exception").doesNotContain("jetty").doesNotContain("\tat ");
    }

    @Test
    void aRequestJettyCannotParseStillGetsTheEnvelope() throws Exception {
        // raw (not %-encoded) UTF-8 in the path: Jetty refuses it before the application sees it
        assertContainerEnvelope(raw("GET /pati_service/manager_service/doctor_list/\u5185 HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n"), 400, 40001);
        // a request line that is not HTTP
        assertContainerEnvelope(raw("GET /actuator/health HTTP/1.1 and more\r\nHost: x\r\nConnection: close\r\n\r\n"),
                400, 40001);
        // an HTTP version Jetty does not speak (its 505 is the client's doing)
        assertContainerEnvelope(raw("GET /actuator/health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, 40001);
    }

    @Test
    void badPercentEncodingInThePathIs400() throws Exception {
        // Jetty refuses the request line before it reads the headers: the request id is a new one
        assertContainerEnvelope(raw("GET /pati_service/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, 40001);
        // %ff is not UTF-8
        assertContainerEnvelope(raw("GET /pati_service/%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                400, 40001);
    }

    @Test
    void badPercentEncodingInTheQueryIs400() throws Exception {
        // Jetty decodes the query only when the application reads a parameter
        for (String query : new String[] {"dept=%zz", "dept=%ff%fe", "%zz=1"}) {
            String response = raw("GET /pati_service/manager_service/doctor_list?" + query + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n");
            assertContainerEnvelope(response, 400, 40001);
            assertThat(response).as(query).contains("query string");
        }
    }

    @Test
    void overLongHeadersAre431AndAnOverLongRequestLineIs400() throws Exception {
        String big = "X-Padding: " + "a".repeat(20_000) + "\r\n";
        // 431 has its own code (43101, beyond API.md's table); Jetty's 414 has no row and is 400/40001
        assertContainerEnvelope(raw("GET /pati_service/manager_service/doctor_list HTTP/1.1\r\nHost: x\r\n" + big
                + "Connection: close\r\n\r\n"), 431, 43101);
        // for every method, not only Jetty's GET, POST and HEAD
        assertContainerEnvelope(raw("PUT " + UPSERT + " HTTP/1.1\r\nHost: x\r\n" + big
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"), 431, 43101);
        assertContainerEnvelope(raw("GET /pati_service/manager_service/doctor_list?dept=" + "a".repeat(20_000)
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, 40001);
    }

    @Test
    void rawUtf8InTheQueryIsReadAsUtf8() throws Exception {
        // Tomcat refused this with 400; Jetty reads it as UTF-8, as it would the %-encoded form
        String response = raw("GET /pati_service/manager_service/doctor_list?keyword=\u738b HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n");
        // the demo doctor 王建国 is found by the character of his family name
        assertThat(response).startsWith("HTTP/1.1 200 ").contains("\"code\":0").contains("\"doctor_id\":\"d1001\"");
    }

    /** Sends a request's head (and whatever of its body is given) and returns the response head. */
    private String head(String requestHead, String bodyPart) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestHead + "\r\n" + bodyPart).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            StringBuilder head = new StringBuilder();
            int b;
            while (head.indexOf("\r\n\r\n") < 0 && (b = socket.getInputStream().read()) >= 0) {
                head.append((char) b);
            }
            return head.toString();
        }
    }

    @Test
    void aRefusalBeforeTheBodyArrivedSaysConnectionClose() throws Exception {
        // Jetty closes such a connection after the answer; a client must know not to reuse it
        String upload = head("PUT /files/upload/" + "0".repeat(32) + "?exp=1&sig=abc HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: image/png\r\nContent-Length: 5000\r\n", "");
        assertThat(upload).startsWith("HTTP/1.1 403 ").containsIgnoringCase("Connection: close");
        String unauthenticated = head("PUT " + UPSERT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n", "{\"doctors\":");
        assertThat(unauthenticated).startsWith("HTTP/1.1 401 ").containsIgnoringCase("Connection: close");
    }

    @Test
    void aRefusalAfterTheBodyWasReadKeepsTheConnection() throws Exception {
        String body = "{\"doctors\": 5}";
        String refused = head("PUT " + UPSERT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n", body);
        assertThat(refused).startsWith("HTTP/1.1 400 ").doesNotContainIgnoringCase("Connection: close");
        String unauthenticated = head("PUT " + UPSERT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n", body);
        assertThat(unauthenticated).startsWith("HTTP/1.1 401 ").doesNotContainIgnoringCase("Connection: close");
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
        for (String path : java.util.List.of("admin/consultation/open", "admin/consultation/close", "admin/consultation",
                "doctor/consultation/accept", "doctor/consultation/close", "patient/consultation/cancel",
                "patient/consultation_list", "doctor/consultation_list", "doctor/send_card_msg", "admin/send_system_msg",
                "audit/records", "audit/consultation_export")) {
            assertThat(docs.body().get("paths").has("/msg_service/msg/" + path)).as(path).isTrue();
        }
    }

    @Test
    void prometheusIsForAdmins() {
        assertThat(api.get("/actuator/prometheus", Tokens.patient("p1")).status()).isEqualTo(403);
        assertThat(api.get("/actuator/prometheus", admin).status()).isEqualTo(200);
    }
}
