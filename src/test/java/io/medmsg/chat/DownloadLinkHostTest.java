package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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

import io.medmsg.realtime.ChangeHub;
import io.medmsg.shared.Side;
import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.SseClient;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/**
 * Download links of local storage point at the host the client used, however the answer is
 * produced: at once (msg_list), by a held poll woken later on another thread, or by an event
 * stream. The client here reaches the server as 127.0.0.2, neither the 127.0.0.1 of the other
 * tests nor the {@code localhost} a link built without a request would name.
 */
class DownloadLinkHostTest extends ApiTest {

    private static final String HOST = "127.0.0.2";

    @Autowired
    ChangeHub hub;

    private Api aliased;
    private Chat chat;
    private String doctorId;
    private String doctor;
    private String patient;
    private String patientId;
    private String sessionId;

    @BeforeEach
    void fixtures() {
        aliased = new Api(HOST, port);
        chat = new Chat(aliased);
        Chat.Consultation c = chat.consultation();
        doctorId = c.doctorId();
        doctor = c.doctor();
        patient = c.patient();
        patientId = c.patientId();
        sessionId = c.sessionId();
    }

    @Test
    void aHeldNewMsgWokenByAFileLinksToTheClientsHost() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> chat.get(Chat.P, "new_msg", patient,
                    "session_id=" + sessionId + "&after_seq=1&wait=20"));
            awaitHeld(ChangeHub.sessionKey(sessionId));
            byte[] bytes = doctorSendsAFile();
            Reply r = held.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertLinksLikeMsgList(r.data().get("list").get(0), bytes);
        }
    }

    @Test
    void aHeldNewSessionWokenByAFileLinksToTheClientsHost() throws Exception {
        String cursor = chat.get(Chat.P, "new_session", patient, "").data().get("cursor").asString();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> chat.get(Chat.P, "new_session", patient, "wait=20&cursor=" + cursor));
            awaitHeld(ChangeHub.userKey(Side.PATIENT, patientId));
            byte[] bytes = doctorSendsAFile();
            Reply r = held.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertLinksLikeMsgList(r.data().get("list").get(0).get("last_msg"), bytes);
        }
    }

    @Test
    void anEventStreamLinksToTheClientsHost() throws Exception {
        try (SseClient events = new SseClient(aliased, Chat.P + "events", patient, null).awaitConnected(10)) {
            byte[] bytes = doctorSendsAFile();
            SseClient.Event e = events.next(10);
            while (e != null && !"message".equals(e.name())) {
                e = events.next(10);
            }
            assertThat(e).as("a message event").isNotNull();
            assertLinksLikeMsgList(e.json().get("message"), bytes);
        }
    }

    /** The doctor uploads an image and sends it into the session; returns its bytes. */
    private byte[] doctorSendsAFile() {
        Uploads uploads = new Uploads(new Api(port));
        byte[] bytes = Samples.of("image/png", 1024);
        JsonNode slot = uploads.slot("doctor", doctor, "x-ray.png", "image/png", bytes, true);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        String fileId = slot.get("file_id").asString();
        assertThat(uploads.confirm("doctor", doctor, fileId).status()).isEqualTo(200);
        Reply sent = new Api(port).post(Chat.D + "send_res_msg", doctor, body("session_id", sessionId, "file_id", fileId));
        assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
        return bytes;
    }

    /** The message's link names the same host as msg_list gives this client, and downloads the bytes. */
    private void assertLinksLikeMsgList(JsonNode message, byte[] bytes) {
        assertThat(message.get("msg_type").asString()).isEqualTo("image");
        String url = message.get("resource").get("url").asString();
        JsonNode listed = chat.get(Chat.P, "msg_list", patient, "session_id=" + sessionId).data().get("list");
        String listedUrl = listed.get(listed.size() - 1).get("resource").get("url").asString();
        assertThat(URI.create(listedUrl).getAuthority()).isEqualTo(HOST + ":" + port);
        assertThat(URI.create(url).getAuthority()).as(url).isEqualTo(URI.create(listedUrl).getAuthority());
        HttpResponse<byte[]> download = Uploads.get(url, Map.of());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
    }

    private void awaitHeld(String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (hub.waiting(key) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hub.waiting(key)).isGreaterThanOrEqualTo(1);
    }
}
