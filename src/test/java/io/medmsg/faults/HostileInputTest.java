package io.medmsg.faults;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;

/**
 * Point 2 of issue 16, request by request: what a hostile or sloppy client can send is answered
 * with a 4xx envelope that says what was wrong, never a 500, never accepted, never held. Where
 * the JDK's HttpClient cannot send the bytes (a stalled body, a chunked one), a raw socket does.
 * Each rule is checked on the patient's send_text_msg and on the doctor's mark_read and
 * send_card_msg.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest extends ApiTest {

    private static final String PATIENT_SEND = Chat.P + "send_text_msg";
    private static final String MARK_READ = Chat.D + "mark_read";
    private static final String CARD = Chat.D + "send_card_msg";

    private Chat chat;
    private Chat.Consultation c;

    @BeforeEach
    void consultation() {
        chat = new Chat(api);
        c = chat.consultation();
    }

    /** The envelope of API.md: status, code, data null, a message, the request id, no internals. */
    private static void assertEnvelope(Reply reply, int status, int code, String msgPart) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).as(reply.raw()).startsWith("application/json");
        assertThat(reply.code()).as(reply.raw()).isEqualTo(code);
        assertThat(reply.body().get("data").isNull()).as(reply.raw()).isTrue();
        assertThat(reply.msg()).as(reply.raw()).contains(msgPart);
        assertThat(reply.body().get("request_id").asString()).isNotBlank();
        assertThat(reply.raw()).doesNotContain("Exception").doesNotContain("springframework").doesNotContain("\tat ");
    }

    private Reply postRaw(String path, String token, String contentType, byte[] bytes) {
        return api.send(api.builder(path, token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private Reply postJson(String path, String token, String json) {
        return postRaw(path, token, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A patient's send as raw bytes: {"doctor_id": ..., "text": <textBytes>}. */
    private byte[] patientSendWithText(byte[] textBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(textBytes);
        out.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** How many messages the session holds: what a refused request must leave unchanged. */
    private long lastSeq() {
        return chat.get(Chat.D, "new_msg", c.doctor(), "session_id=" + c.sessionId()).data().get("last_seq").asLong();
    }

    // --- content types -------------------------------------------------------------------------

    @Test
    void multipartOrWildcardContentTypeOnAJsonEndpointIs415() {
        String json = "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"hi\"}";
        for (String type : List.of("multipart/form-data; boundary=x", "*/*", "application/x-www-form-urlencoded",
                "text/plain")) {
            assertEnvelope(postRaw(PATIENT_SEND, c.patient(), type, json.getBytes(StandardCharsets.UTF_8)), 415, 41501,
                    "application/json");
            assertEnvelope(postRaw(MARK_READ, c.doctor(), type,
                    ("{\"session_id\":\"" + c.sessionId() + "\",\"seq\":1}").getBytes(StandardCharsets.UTF_8)), 415, 41501,
                    "application/json");
        }
        assertThat(lastSeq()).isEqualTo(1);
    }

    @Test
    void aCharsetOtherThanUtf8Is415() {
        String json = "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"hi\"}";
        assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json; charset=UTF-16",
                json.getBytes(StandardCharsets.UTF_16)), 415, 41501, "UTF-8");
        assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json;charset=ISO-8859-1",
                json.getBytes(StandardCharsets.ISO_8859_1)), 415, 41501, "UTF-8");
        assertEnvelope(postRaw(MARK_READ, c.doctor(), "application/json; charset=utf-16le",
                ("{\"session_id\":\"" + c.sessionId() + "\",\"seq\":1}").getBytes(StandardCharsets.UTF_16LE)), 415, 41501,
                "UTF-8");
        assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json; charset=no-such-charset",
                json.getBytes(StandardCharsets.UTF_8)), 415, 41501, "UTF-8");
        // UTF-8 spelt in any case, quoted or not, is UTF-8
        assertThat(postRaw(PATIENT_SEND, c.patient(), "application/json; charset=\"Utf-8\"",
                json.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(lastSeq()).isEqualTo(2);
    }

    // --- strict JSON ---------------------------------------------------------------------------

    @Test
    void duplicateKeysAreRefusedNamingTheKey() {
        assertEnvelope(postJson(PATIENT_SEND, c.patient(),
                "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"one\",\"text\":\"two\"}"), 400, 40001, "text");
        assertEnvelope(postJson(MARK_READ, c.doctor(),
                "{\"session_id\":\"" + c.sessionId() + "\",\"seq\":1,\"seq\":0}"), 400, 40001, "seq");
        // nested, in a card
        assertEnvelope(postJson(CARD, c.doctor(), "{\"session_id\":\"" + c.sessionId()
                + "\",\"card\":{\"card_type\":\"notice\",\"title\":\"a\",\"title\":\"b\"}}"), 400, 40001, "title");
        assertThat(lastSeq()).isEqualTo(1);
    }

    @Test
    void aNumberIsNotAString() {
        assertEnvelope(postJson(PATIENT_SEND, c.patient(), "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":123}"),
                400, 40001, "text");
        assertEnvelope(postJson(PATIENT_SEND, c.patient(), "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":true}"),
                400, 40001, "text");
        assertEnvelope(postJson(Chat.D + "send_text_msg", c.doctor(),
                "{\"session_id\":\"" + c.sessionId() + "\",\"text\":1.5}"), 400, 40001, "text");
        assertEnvelope(postJson(PATIENT_SEND, c.patient(), "{\"doctor_id\":12345,\"text\":\"hi\"}"), 400, 40001,
                "doctor_id");
        assertThat(lastSeq()).isEqualTo(1);
    }

    @Test
    void aFractionIsNotAnIntegerNorAStringANumber() {
        assertEnvelope(postJson(MARK_READ, c.doctor(), "{\"session_id\":\"" + c.sessionId() + "\",\"seq\":1.5}"),
                400, 40001, "seq");
        assertEnvelope(postJson(MARK_READ, c.doctor(), "{\"session_id\":\"" + c.sessionId() + "\",\"seq\":1.0}"),
                400, 40001, "seq");
        assertEnvelope(postJson(MARK_READ, c.doctor(), "{\"session_id\":\"" + c.sessionId() + "\",\"seq\":\"1\"}"),
                400, 40001, "seq");
        Reply read = chat.get(Chat.D, "session_list", c.doctor(), "");
        assertThat(read.data().get("list").get(0).get("read_seq").asLong()).isZero();
        // the integer itself is fine
        assertThat(postJson(MARK_READ, c.doctor(), "{\"session_id\":\"" + c.sessionId() + "\",\"seq\":1}").status())
                .isEqualTo(200);
    }

    @Test
    void overlongUtf8IsRefusedNamingTheField() {
        // C0 AF: an overlong '/', the classic way past a filter that looks for "/" in decoded text
        byte[] overlong = {'a', (byte) 0xC0, (byte) 0xAF, 'b'};
        assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json", patientSendWithText(overlong)), 400,
                40001, "text");
        // an encoded surrogate (ED A0 80) and a truncated sequence are not UTF-8 either
        assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json",
                patientSendWithText(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})), 400, 40001, "text");
        assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json",
                patientSendWithText(new byte[] {'x', (byte) 0xE4, (byte) 0xBD})), 400, 40001, "text");
        // Spring MVC's endpoints too, and a field in a card
        assertEnvelope(postRaw(CARD, c.doctor(), "application/json",
                concat("{\"session_id\":\"" + c.sessionId() + "\",\"card\":{\"card_type\":\"notice\",\"title\":\"",
                        overlong, "\"}}")), 400, 40001, "card.title");
        assertThat(lastSeq()).isEqualTo(1);
        // real UTF-8, four-byte characters included, is text
        assertThat(postRaw(PATIENT_SEND, c.patient(), "application/json",
                patientSendWithText("王 \uD83D\uDE00".getBytes(StandardCharsets.UTF_8))).status()).isEqualTo(200);
    }

    @Test
    void anUnpairedSurrogateEscapeIsRefusedNamingTheField() {
        for (String escaped : List.of("\\ud800", "a\\ud800b", "\\udc00", "\\ud800\\u0041", "\\ud800\\ud800")) {
            assertEnvelope(postJson(PATIENT_SEND, c.patient(),
                    "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"" + escaped + "\"}"), 400, 40001, "text");
        }
        assertEnvelope(postJson(CARD, c.doctor(), "{\"session_id\":\"" + c.sessionId()
                + "\",\"card\":{\"card_type\":\"notice\",\"title\":\"t\",\"fields\":[{\"label\":\"l\",\"value\":\"\\udfff\"}]}}"),
                400, 40001, "card.fields[0].value");
        assertThat(lastSeq()).isEqualTo(1);
        // a pair is one character; an escaped backslash before "ud800" is no escape at all
        Reply pair = postJson(PATIENT_SEND, c.patient(), "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"\\ud83d\\ude00\"}");
        assertThat(pair.status()).as(pair.raw()).isEqualTo(200);
        assertThat(pair.data().get("message").get("text").asString()).isEqualTo("\uD83D\uDE00");
        Reply backslash = postJson(PATIENT_SEND, c.patient(), "{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"\\\\ud800\"}");
        assertThat(backslash.status()).as(backslash.raw()).isEqualTo(200);
        assertThat(backslash.data().get("message").get("text").asString()).isEqualTo("\\ud800");
    }

    // --- query parameters ----------------------------------------------------------------------

    @Test
    void aRepeatedOrEmptyNumericQueryParameterIsRefusedNamingIt() {
        String session = "session_id=" + c.sessionId();
        assertEnvelope(chat.get(Chat.D, "msg_list", c.doctor(), session + "&limit=1&limit=500"), 400, 40001, "limit");
        assertEnvelope(chat.get(Chat.D, "msg_list", c.doctor(), session + "&limit="), 400, 40001, "limit");
        assertEnvelope(chat.get(Chat.D, "new_msg", c.doctor(), session + "&wait="), 400, 40001, "wait");
        assertEnvelope(chat.get(Chat.D, "new_msg", c.doctor(), session + "&after_seq=0&after_seq=1"), 400, 40001,
                "after_seq");
        assertEnvelope(chat.get(Chat.D, "msg_list", c.doctor(), session + "&" + session), 400, 40001, "session_id");
        assertEnvelope(api.get("/pati_service/manager_service/doctor_list?page_size=", c.patient()), 400, 40001,
                "page_size");
        // an empty text parameter means "not given", as the web client's first page sends cursor=
        assertThat(chat.get(Chat.D, "session_list", c.doctor(), "cursor=").status()).isEqualTo(200);
    }

    @Test
    void aGetAskingForXmlIsAnsweredInJson() {
        Reply reply = api.send(api.builder(Chat.D + "msg_list?session_id=" + c.sessionId(), c.doctor())
                .header("Accept", "application/xml").GET());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.code()).isZero();
        assertThat(reply.data().get("list").size()).isEqualTo(1);
        // an error, too, is the JSON envelope whatever Accept says
        Reply error = api.send(api.builder(Chat.D + "msg_list?session_id=" + c.sessionId() + "&limit=0", c.doctor())
                .header("Accept", "application/xml").GET());
        assertEnvelope(error, 400, 40001, "limit");
    }

    @Test
    void aPollAfterTheLastSeqIsRefusedAtOnceNotHeld() {
        long started = System.nanoTime();
        Reply held = chat.get(Chat.P, "new_msg", c.patient(), "session_id=" + c.sessionId() + "&after_seq=5&wait=30");
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertEnvelope(held, 400, 40001, "after_seq");
        assertThat(ms).as("answered after %d ms", ms).isLessThan(5_000);
        // asked a second time, when this instance knows the session's last seq from memory
        started = System.nanoTime();
        assertEnvelope(chat.get(Chat.P, "new_msg", c.patient(), "session_id=" + c.sessionId() + "&after_seq=2&wait=30"),
                400, 40001, "after_seq");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        assertEnvelope(chat.get(Chat.P, "new_msg", c.patient(), "session_id=" + c.sessionId() + "&after_seq=2"), 400,
                40001, "after_seq");
        // up to the last seq is a valid position to wait from
        Reply idle = chat.get(Chat.P, "new_msg", c.patient(), "session_id=" + c.sessionId() + "&after_seq=1&wait=1");
        assertThat(idle.status()).as(idle.raw()).isEqualTo(200);
        assertThat(idle.data().get("list").size()).isZero();
    }

    // --- bodies that are too large, or never arrive ------------------------------------------------

    @Test
    void aChunkedBodyOverTheLimitGetsThe413BeforeTheConnectionCloses() throws Exception {
        byte[] bytes = ("{\"doctor_id\":\"" + c.doctorId() + "\",\"text\":\"" + "x".repeat(70 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        for (String path : List.of(PATIENT_SEND, MARK_READ)) {
            String token = path.equals(PATIENT_SEND) ? c.patient() : c.doctor();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // in 8 KiB chunks, as a streaming client sends it
                for (int off = 0; off < bytes.length; off += 8192) {
                    int n = Math.min(8192, bytes.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                RawReply reply = RawReply.read(socket.getInputStream());
                assertRawEnvelope(reply, 413, 41301, "65536");
            }
        }
        assertThat(lastSeq()).isEqualTo(1);
    }

    @Test
    void aDeclaredFiveMegabyteBodyGetsThe413() {
        byte[] big = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        for (int i = 0; i < 3; i++) {
            assertEnvelope(postRaw(PATIENT_SEND, c.patient(), "application/json", big), 413, 41301, "65536");
            assertEnvelope(postRaw(MARK_READ, c.doctor(), "application/json", big), 413, 41301, "65536");
        }
    }

    @Test
    void aBodyThatStopsArrivingIs408AndLoggedWithoutAStackTrace(CapturedOutput output) throws Exception {
        // Content-Length says 100; 20 bytes come, then nothing until the server's idle timeout (20 s).
        // A thread each: on two cores the common pool has one, and ran the two stalls one after the other
        CompletableFuture<RawReply> fast = CompletableFuture.supplyAsync(() -> stall(PATIENT_SEND, c.patient()), HostileInputTest::thread);
        CompletableFuture<RawReply> mvc = CompletableFuture.supplyAsync(() -> stall(MARK_READ, c.doctor()), HostileInputTest::thread);
        for (RawReply reply : List.of(fast.get(), mvc.get())) {
            assertRawEnvelope(reply, 408, 40801, "did not arrive");
        }
        assertThat(output.getAll()).contains("did not arrive in time").doesNotContain("internal error")
                .doesNotContain("\tat org.eclipse.jetty");
        assertThat(lastSeq()).isEqualTo(1);
    }

    private static void thread(Runnable task) {
        Thread.ofVirtual().start(task);
    }

    private RawReply stall(String path, String token) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(45_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"session_id\":\"abc")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return RawReply.read(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientThatHangsUpMidUploadIsLoggedWithoutAStackTrace(CapturedOutput output) throws Exception {
        Uploads uploads = new Uploads(api);
        byte[] png = Samples.png(200_000);
        JsonNode slot = uploads.slot("patient", c.patient(), "scan.png", "image/png", png, true);
        java.net.URI url = java.net.URI.create(slot.get("upload_url").asString());
        // a clean close (FIN), then an abrupt one (RST), each halfway through the declared bytes
        for (boolean abrupt : new boolean[] {false, true}) {
            int before = output.getAll().length();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("PUT " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: image/png\r\nContent-Length: " + png.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(png, 0, png.length / 2);
                out.flush();
                Thread.sleep(300);
                if (abrupt) {
                    socket.setSoLinger(true, 0);
                }
            }
            // the hang-up is seen and logged as the client's doing, in one line
            long deadline = System.currentTimeMillis() + 10_000;
            while (!output.getAll().substring(before).contains("client went away")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(output.getAll().substring(before)).as(abrupt ? "reset" : "closed").contains("client went away")
                    .doesNotContain("internal error").doesNotContain("ERROR").doesNotContain("\tat ");
        }
        // and the slot takes the upload again
        assertThat(Uploads.put(slot, png).statusCode()).isEqualTo(200);
        Reply ready = uploads.confirm("patient", c.patient(), slot.get("file_id").asString());
        assertThat(ready.status()).as(ready.raw()).isEqualTo(200);
    }

    // --- raw replies -----------------------------------------------------------------------------

    private static byte[] concat(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void assertRawEnvelope(RawReply reply, int status, int code, String msgPart) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).as(reply.toString()).startsWith("application/json");
        JsonNode body = Api.JSON.readTree(reply.body());
        assertThat(body.get("code").asInt()).isEqualTo(code);
        assertThat(body.get("data").isNull()).isTrue();
        assertThat(body.get("msg").asString()).contains(msgPart);
        assertThat(body.get("request_id").asString()).isNotBlank();
    }

    /** One response read off a socket: the status line, headers and body (de-chunked). */
    private record RawReply(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        static RawReply read(InputStream in) throws IOException {
            String head = line(in);
            int status = Integer.parseInt(head.split(" ")[1]);
            Map<String, String> headers = new java.util.HashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), h.substring(colon + 1).strip());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int n = Integer.parseInt(line(in).strip(), 16); n > 0; n = Integer.parseInt(line(in).strip(), 16)) {
                    body.writeBytes(in.readNBytes(n));
                    line(in);
                }
            } else if (headers.containsKey("content-length")) {
                body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else {
                // delimited by the end of the connection
                body.writeBytes(in.readAllBytes());
            }
            return new RawReply(status, headers, body.toString(StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder s = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed after \"" + s + "\"");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }
}
