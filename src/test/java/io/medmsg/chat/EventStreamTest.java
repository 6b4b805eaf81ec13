package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.shared.Side;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.SseClient;
import io.medmsg.support.Tokens;

/** GET /msg_service/msg/{patient|doctor}/events */
class EventStreamTest extends ApiTest {

    @Autowired
    EventStreams streams;

    private Chat chat;
    private String doctorId;
    private String doctor;
    private String patient;
    private String sessionId;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        doctorId = c.doctorId();
        doctor = c.doctor();
        patient = c.patient();
        sessionId = c.sessionId();
    }

    /** Opens a stream, lets {@code send} make one event and returns its id: where a reconnect resumes. */
    private String idOfOneEvent(String face, String token, Runnable send) throws InterruptedException {
        try (SseClient events = stream(face, token, null)) {
            send.run();
            return events.next(10).id();
        }
    }

    /** Opens a stream and returns once the server has registered it. */
    private SseClient stream(String face, String token, String lastEventId) throws InterruptedException {
        return new SseClient(api, face + "events", token, lastEventId).awaitConnected(10);
    }

    @Test
    void aStreamReceivesMessageEventsWithIds() throws Exception {
        try (SseClient events = stream(Chat.D, doctor, null)) {
            chat.patientSends(patient, doctorId, "头痛三天了");
            SseClient.Event e = events.next(10);
            assertThat(e).isNotNull();
            assertThat(e.name()).isEqualTo("message");
            assertThat(e.id()).isNotBlank();
            assertThat(e.json().get("session_id").asString()).isEqualTo(sessionId);
            assertThat(e.json().get("message").get("text").asString()).isEqualTo("头痛三天了");
            assertThat(e.json().get("message").get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void aNewStreamAnswersAtOnce() throws Exception {
        try (SseClient events = new SseClient(api, Chat.D + "events", doctor, null)) {
            SseClient.Event first = events.nextAny(5);
            assertThat(first).isNotNull();
            assertThat(first.comment()).isTrue();
            assertThat(first.data()).isEqualTo("connected");
            assertThat(events.status()).isEqualTo(200);
        }
    }

    @Test
    void aReadPointerMoveIsASessionEvent() throws Exception {
        try (SseClient events = stream(Chat.P, patient, null)) {
            chat.post(Chat.D, "mark_read", doctor, body("session_id", sessionId, "seq", 1));
            SseClient.Event e = events.next(10);
            assertThat(e.name()).isEqualTo("session");
            assertThat(e.json().get("session_id").asString()).isEqualTo(sessionId);
            assertThat(e.json().get("peer_read_seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void reconnectingWithLastEventIdReplaysExactlyWhatWasMissed() throws Exception {
        String lastId = idOfOneEvent(Chat.D, doctor, () -> chat.patientSends(patient, doctorId, "seen"));
        chat.patientSends(patient, doctorId, "missed 1");
        chat.patientSends(patient, doctorId, "missed 2");
        chat.patientSends(patient, doctorId, "missed 3");
        try (SseClient events = stream(Chat.D, doctor, lastId)) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                texts.add(events.next(10).json().get("message").get("text").asString());
            }
            assertThat(texts).containsExactly("missed 1", "missed 2", "missed 3");
            chat.patientSends(patient, doctorId, "live");
            assertThat(events.next(10).json().get("message").get("text").asString()).isEqualTo("live");
        }
    }

    @Test
    void aReplayOfHundredsOfMissedEventsArrivesWholeAndInOrder() throws Exception {
        String lastId = idOfOneEvent(Chat.P, patient, () -> chat.doctorSends(doctor, sessionId, "seen"));
        int missed = 300;
        for (int i = 1; i <= missed; i++) {
            assertThat(chat.doctorSends(doctor, sessionId, "医嘱 " + i).status()).isEqualTo(200);
        }
        try (SseClient events = stream(Chat.P, patient, lastId)) {
            List<String> texts = new ArrayList<>();
            // stops at the last one: one more next() would wait out its 10 s for an event that never comes
            for (SseClient.Event e; texts.size() < missed && (e = events.next(10)) != null;) {
                texts.add(e.json().get("message").get("text").asString());
            }
            assertThat(texts).hasSize(missed);
            assertThat(texts.getFirst()).isEqualTo("医嘱 1");
            assertThat(texts.getLast()).isEqualTo("医嘱 " + missed);
        }
    }

    @Test
    void aStreamOnlyCarriesTheCallersSessions() throws Exception {
        String other = Tokens.patient(unique("other"));
        try (SseClient events = stream(Chat.P, patient, null)) {
            chat.open(other, doctorId);
            chat.patientSends(patient, doctorId, "mine");
            assertThat(events.next(10).json().get("message").get("text").asString()).isEqualTo("mine");
        }
    }

    @Test
    void aConsumerThatStopsReadingIsDroppedWhileSendersGoOn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setReceiveBufferSize(4096);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + Chat.D + "events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + doctor
                    + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (streams.openStreamsOf(Side.DOCTOR, doctorId) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(streams.openStreamsOf(Side.DOCTOR, doctorId)).isEqualTo(1);
            String big = "病".repeat(4000);
            int sent = 0;
            for (; sent < 800 && streams.openStreamsOf(Side.DOCTOR, doctorId) > 0; sent++) {
                assertThat(chat.patientSends(patient, doctorId, big).status()).isEqualTo(200);
            }
            deadline = System.nanoTime() + 60_000_000_000L;
            while (streams.openStreamsOf(Side.DOCTOR, doctorId) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(streams.openStreamsOf(Side.DOCTOR, doctorId)).as("after %d sends", sent).isZero();
        }
    }

    @Test
    void theStreamEndsWhenTheTokenExpires() throws Exception {
        Instant soon = Instant.now().plusSeconds(3);
        String shortLived = Tokens.hs256(Tokens.claims(unique("p"), "patient").expirationTime(Date.from(soon)).build());
        try (SseClient events = stream(Chat.P, shortLived, null)) {
            assertThat(events.endsWithin(20)).isTrue();
        }
    }

    @Test
    void aMalformedLastEventIdIsRefused() {
        var reply = api.send("GET", Chat.D + "events", doctor, java.util.Map.of("Last-Event-ID", "abc"), null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo(40001);
    }
}
