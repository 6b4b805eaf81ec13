package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.realtime.ChangeHub;
import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;

/**
 * Behind a reverse proxy the links of local storage name the host the client used, taken from
 * {@code Forwarded} or {@code X-Forwarded-Host/Proto/Port}, but only when the request comes from
 * an address of {@code medmsg.trusted-proxies}. Here that is 127.0.0.1; a client bound to
 * 127.0.0.3 plays someone else, whose forwarded headers are ignored.
 */
class ForwardedLinkHostTest extends ApiTest {

    private static final String PUBLIC = "msg.hospital.example";
    private static final HttpClient UNTRUSTED = HttpClient.newBuilder().localAddress(loopback("127.0.0.3"))
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final HttpClient TRUSTED = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void trustLoopbackOne(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.trusted-proxies", () -> "10.0.0.0/8, 127.0.0.1");
    }

    @Autowired
    ChangeHub hub;

    private String patient;

    @BeforeEach
    void fixtures() {
        patient = Tokens.patient(unique("p"));
    }

    @Test
    void fromATrustedProxyXForwardedHostAndProtoMakeTheLinks() {
        String url = uploadUrl(TRUSTED, Map.of("X-Forwarded-Host", PUBLIC, "X-Forwarded-Proto", "https",
                "X-Forwarded-For", "203.0.113.7"));
        assertThat(url).startsWith("https://" + PUBLIC + "/files/upload/");
    }

    @Test
    void fromATrustedProxyXForwardedPortIsKept() {
        String url = uploadUrl(TRUSTED, Map.of("X-Forwarded-Host", PUBLIC, "X-Forwarded-Proto", "https",
                "X-Forwarded-Port", "8443"));
        assertThat(url).startsWith("https://" + PUBLIC + ":8443/files/upload/");
    }

    @Test
    void fromATrustedProxyTheForwardedHeaderMakesTheLinks() {
        String url = uploadUrl(TRUSTED, Map.of("Forwarded", "for=203.0.113.7;host=\"" + PUBLIC + ":8443\";proto=https"));
        assertThat(url).startsWith("https://" + PUBLIC + ":8443/files/upload/");
    }

    @Test
    void anElementAClientAddedBeforeTheProxysOwnIsNotBelieved() {
        String url = uploadUrl(TRUSTED, Map.of("Forwarded",
                "host=evil.example;proto=http, for=203.0.113.7;host=" + PUBLIC + ";proto=https"));
        assertThat(url).startsWith("https://" + PUBLIC + "/files/upload/");
    }

    @Test
    void aForwardedHostThatIsNoHostIsIgnored() {
        String url = uploadUrl(TRUSTED, Map.of("X-Forwarded-Host", "evil.example/path?x=@", "X-Forwarded-Proto", "gopher"));
        assertThat(url).startsWith("http://127.0.0.1:" + port + "/files/upload/");
    }

    @Test
    void fromAnUntrustedPeerForwardedHeadersAreIgnored() {
        String url = uploadUrl(UNTRUSTED, Map.of("X-Forwarded-Host", PUBLIC, "X-Forwarded-Proto", "https",
                "Forwarded", "host=" + PUBLIC + ";proto=https"));
        assertThat(url).startsWith("http://127.0.0.1:" + port + "/files/upload/");
    }

    @Test
    void aHeldNewMsgWokenByAFileLinksToTheWaitingRequestsForwardedHost() throws Exception {
        Chat chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        Map<String, String> forwarded = Map.of("X-Forwarded-Host", PUBLIC, "X-Forwarded-Proto", "https");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> send(TRUSTED, api.builder(Chat.P + "new_msg?session_id="
                    + c.sessionId() + "&after_seq=1&wait=20", c.patient()), forwarded));
            awaitHeld(ChangeHub.sessionKey(c.sessionId()));
            // the sender reaches the instance directly: its own answer names 127.0.0.1
            Reply sent = api.post(Chat.D + "send_res_msg", c.doctor(), body("session_id", c.sessionId(),
                    "file_id", readyFile(c.doctor())));
            assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
            assertThat(sent.data().get("message").get("resource").get("url").asString())
                    .startsWith("http://127.0.0.1:" + port + "/files/download/");

            Reply woken = held.get(20, TimeUnit.SECONDS);
            assertThat(woken.status()).as(woken.raw()).isEqualTo(200);
            assertThat(woken.data().get("list").get(0).get("resource").get("url").asString())
                    .startsWith("https://" + PUBLIC + "/files/download/");
        }
    }

    /** pre_upload through {@code client} with these headers; returns the upload URL it answered. */
    private String uploadUrl(HttpClient client, Map<String, String> headers) {
        byte[] bytes = Samples.of("image/png", 512);
        HttpRequest.Builder request = api.builder("/msg_service/msg/patient/file/pre_upload", patient)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(
                        body("file_name", "a.png", "size", bytes.length, "mime_type", "image/png"))));
        Reply r = send(client, request, headers);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.data().get("upload_url").asString();
    }

    private String readyFile(String doctor) {
        Uploads uploads = new Uploads(api);
        byte[] bytes = Samples.of("image/png", 1024);
        var slot = uploads.slot("doctor", doctor, "x-ray.png", "image/png", bytes, true);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        String fileId = slot.get("file_id").asString();
        assertThat(uploads.confirm("doctor", doctor, fileId).status()).isEqualTo(200);
        return fileId;
    }

    private static Reply send(HttpClient client, HttpRequest.Builder request, Map<String, String> headers) {
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitHeld(String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (hub.waiting(key) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hub.waiting(key)).isGreaterThanOrEqualTo(1);
    }

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
