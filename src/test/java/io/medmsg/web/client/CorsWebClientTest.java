package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/**
 * A hospital's H5 page on its own origin calls the API from a real browser (Chromium): a listed
 * origin may (the preflight is answered, answers and their
 * Retry-After and X-Request-Id are readable), an origin that is not listed is blocked by the
 * browser before the request is sent, and credentials are never allowed. The page is served by a
 * second server on another port; the same server under the name localhost is another origin.
 * Tagged {@code sqlite-only}: what is tested is the HTTP layer, not the database.
 */
@Tag("sqlite-only")
class CorsWebClientTest extends ApiTest {

    private static HttpServer pages;

    /**
     * fetch() from the page: {status, code, retry_after, request_id, allow_origin} of the answer, or
     * {error} when the browser refused to let the page have it.
     */
    private static final String FETCH = """
            const [url, method, token, body, credentials, done] = arguments;
            const headers = {'Authorization': 'Bearer ' + token};
            if (body !== null) headers['Content-Type'] = 'application/json';
            fetch(url, {method, headers, body: body === null ? undefined : body, credentials})
                .then(r => r.json().then(j => done({status: r.status, code: j.code,
                        retry_after: r.headers.get('Retry-After'), request_id: r.headers.get('X-Request-Id')})))
                .catch(e => done({error: String(e)}));
            """;

    private Browser browser;
    private Chat chat;

    private static synchronized HttpServer pages() {
        if (pages == null) {
            try {
                pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pages.createContext("/", exchange -> {
                byte[] page = "<!doctype html><html><head><title>H5</title></head><body>a hospital's page</body></html>"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            });
            pages.start();
        }
        return pages;
    }

    private static String listedOrigin() {
        return "http://127.0.0.1:" + pages().getAddress().getPort();
    }

    /** The same page server under another name: an origin that is not listed. */
    private static String otherOrigin() {
        return "http://localhost:" + pages().getAddress().getPort();
    }

    @DynamicPropertySource
    static void corsSettings(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.cors.allowed-origins", CorsWebClientTest::listedOrigin);
        // the rate-limit refusal below, on the third send at once
        registry.add("medmsg.limits.send-rate-per-second", () -> "0.001");
        registry.add("medmsg.limits.send-burst", () -> "2");
    }

    @BeforeAll
    static void browserInstalled() {
        Browser.requireInstalled();
    }

    @AfterAll
    static void stopPages() {
        if (pages != null) {
            pages.stop(0);
            pages = null;
        }
    }

    @BeforeEach
    void openBrowser() {
        browser = new Browser("H5 page", 800, 600);
        chat = new Chat(api);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> fetchFrom(String origin, String method, String path, String token, String body,
            String credentials) {
        browser.open(origin + "/");
        return (Map<String, Object>) browser.driver.executeAsyncScript(FETCH, api.base() + path, method, token, body,
                credentials);
    }

    private long messagesOf(String patientToken, String doctorId) {
        var reply = api.get(Chat.P + "msg_list?doctor_id=" + doctorId, patientToken);
        return reply.status() == 404 ? 0 : reply.data().get("list").size();
    }

    @Test
    void aPageOfAListedOriginSendsAndReadsWithItsToken() {
        String doctorId = chat.newDoctor(unique("cors-doc"), true);
        String patient = Tokens.patient(unique("cors-p"));
        String send = "{\"doctor_id\":\"" + doctorId + "\",\"text\":\"from the H5 page\"}";

        Map<String, Object> sent = fetchFrom(listedOrigin(), "POST", Chat.P + "send_text_msg", patient, send, "omit");
        assertThat(sent).as("answer seen by the page").containsEntry("status", 200L).containsEntry("code", 0L);
        assertThat((String) sent.get("request_id")).as("an exposed header").isNotBlank();

        Map<String, Object> list = fetchFrom(listedOrigin(), "GET", Chat.P + "session_list", patient, null, "omit");
        assertThat(list).containsEntry("status", 200L).containsEntry("code", 0L);
        assertThat(messagesOf(patient, doctorId)).isEqualTo(1);

        // an error answer is readable too, with when to try again (burst 2: the third send is refused)
        fetchFrom(listedOrigin(), "POST", Chat.P + "send_text_msg", patient, send.replace("H5 page", "H5 page 2"), "omit");
        Map<String, Object> limited = fetchFrom(listedOrigin(), "POST", Chat.P + "send_text_msg", patient,
                send.replace("H5 page", "H5 page 3"), "omit");
        assertThat(limited).containsEntry("status", 429L).containsEntry("code", 42901L);
        assertThat((String) limited.get("retry_after")).isNotBlank();
    }

    @Test
    void aPageOfAnotherOriginIsBlockedByTheBrowserBeforeItsRequestIsSent() {
        String doctorId = chat.newDoctor(unique("cors-doc"), true);
        String patient = Tokens.patient(unique("cors-p"));
        String send = "{\"doctor_id\":\"" + doctorId + "\",\"text\":\"from another origin\"}";

        Map<String, Object> sent = fetchFrom(otherOrigin(), "POST", Chat.P + "send_text_msg", patient, send, "omit");
        assertThat(sent).containsKey("error").doesNotContainKey("status");
        Map<String, Object> list = fetchFrom(otherOrigin(), "GET", Chat.P + "session_list", patient, null, "omit");
        assertThat(list).containsKey("error");
        // the preflight failed, so the send never reached the service
        assertThat(messagesOf(patient, doctorId)).isZero();
    }

    @Test
    void credentialsAreNeverAllowed() {
        String patient = Tokens.patient(unique("cors-p"));
        Map<String, Object> withCookies = fetchFrom(listedOrigin(), "GET", Chat.P + "session_list", patient, null,
                "include");
        assertThat(withCookies).as("a credentialed request needs Access-Control-Allow-Credentials").containsKey("error");
        var preflight = api.send("OPTIONS", Chat.P + "session_list", null, Map.of("Origin", listedOrigin(),
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"), null);
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(listedOrigin());
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
    }
}
