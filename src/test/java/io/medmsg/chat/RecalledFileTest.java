package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/**
 * API.md: a recalled message's content is kept for the record, never served. With local storage
 * a download URL issued before the recall is checked again when it is used: the file is served
 * to its uploader before it is sent, and afterwards only while a message holding it is not
 * recalled.
 */
class RecalledFileTest extends ApiTest {

    private static final byte[] BYTES = Samples.of("image/png", 2048);

    private Chat chat;
    private Uploads uploads;
    private String doctorId;
    private String patient;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        uploads = new Uploads(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        patient = Tokens.patient(unique("p"));
    }

    @Test
    void aUrlIssuedBeforeTheRecallAnswers404AfterIt() {
        Reply sent = sendsFile(readyFile().get("file_id").asString());
        String url = sent.data().get("message").get("resource").get("url").asString();
        assertThat(download(url).statusCode()).isEqualTo(200);

        recall(sent);

        HttpResponse<byte[]> refused = download(url);
        assertThat(refused.statusCode()).isEqualTo(404);
        JsonNode envelope = Uploads.json(refused);
        assertThat(envelope.get("code").asInt()).isEqualTo(40401);
        assertThat(refused.body()).isNotEqualTo(BYTES);
    }

    @Test
    void theUploadersFileDownloadsBeforeItIsSent() {
        JsonNode ready = readyFile();
        HttpResponse<byte[]> own = download(ready.get("url").asString());
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).isEqualTo(BYTES);
    }

    @Test
    void aFileAlsoHeldByAMessageNotRecalledStillDownloads() {
        String fileId = readyFile().get("file_id").asString();
        Reply first = sendsFile(fileId);
        sendsFile(fileId);
        String url = first.data().get("message").get("resource").get("url").asString();

        recall(first);

        HttpResponse<byte[]> still = download(url);
        assertThat(still.statusCode()).isEqualTo(200);
        assertThat(still.body()).isEqualTo(BYTES);
    }

    /** The patient uploads and confirms an image; returns upload_access's answer (file_id, url). */
    private JsonNode readyFile() {
        JsonNode slot = uploads.slot("patient", patient, "wrong-photo.png", "image/png", BYTES, true);
        assertThat(Uploads.put(slot, BYTES).statusCode()).isEqualTo(200);
        Reply confirmed = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
        return confirmed.data();
    }

    private Reply sendsFile(String fileId) {
        Reply sent = api.post(Chat.P + "send_res_msg", patient, body("doctor_id", doctorId, "file_id", fileId));
        assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
        return sent;
    }

    private void recall(Reply sent) {
        Reply recalled = chat.post(Chat.P, "recall", patient, body("session_id", sent.data().get("session_id").asString(),
                "msg_id", sent.data().get("message").get("msg_id").asString()));
        assertThat(recalled.status()).as(recalled.raw()).isEqualTo(200);
    }

    private static HttpResponse<byte[]> download(String url) {
        return Uploads.get(url, Map.of());
    }
}
