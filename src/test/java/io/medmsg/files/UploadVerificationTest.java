package io.medmsg.files;

import io.medmsg.support.Uploads;
import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/** What the local PUT and upload_access refuse, and that a refused file leaves nothing behind. */
class UploadVerificationTest extends ApiTest {

    @Autowired
    MedMsgProperties properties;

    private Uploads uploads;
    private String patient;

    @BeforeEach
    void setUp() {
        uploads = new Uploads(api);
        patient = Tokens.patient(unique("pv"));
    }

    private Path object(JsonNode slot) {
        String id = slot.get("file_id").asString();
        return properties.dataDir().resolve("files").resolve(id.substring(0, 2)).resolve(id);
    }

    private static int code(HttpResponse<String> response) {
        return Uploads.json(response).get("code").asInt();
    }

    /** A chunked body (no Content-Length), so the server must count what arrives. */
    private static HttpRequest.BodyPublisher chunked(byte[] bytes) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
    }

    @Test
    void aContentLengthOtherThanTheDeclaredSizeIsRefusedBeforeAnyByteIsStored() {
        byte[] bytes = Samples.png(1000);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        for (byte[] wrong : new byte[][] {Arrays.copyOf(bytes, 999), Arrays.copyOf(bytes, 1001)}) {
            HttpResponse<String> refused = Uploads.put(slot, HttpRequest.BodyPublishers.ofByteArray(wrong), Map.of());
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(code(refused)).isEqualTo(42201);
            assertThat(Uploads.json(refused).get("msg").asString()).contains("Content-Length").contains("1000");
            assertThat(object(slot)).doesNotExist();
        }
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
    }

    @Test
    void bytesBeyondTheDeclaredSizeAreRefusedAndNothingIsKept() throws Exception {
        byte[] bytes = Samples.png(5000);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        HttpResponse<String> extra = Uploads.put(slot, chunked(Arrays.copyOf(bytes, 5001)), Map.of());
        assertThat(extra.statusCode()).isEqualTo(422);
        assertThat(code(extra)).isEqualTo(42201);
        assertThat(Uploads.json(extra).get("msg").asString()).contains("larger than the declared size of 5000");
        HttpResponse<String> shortBody = Uploads.put(slot, chunked(Arrays.copyOf(bytes, 10)), Map.of());
        assertThat(shortBody.statusCode()).isEqualTo(422);
        assertThat(object(slot)).doesNotExist();
        try (var incoming = Files.list(properties.dataDir().resolve("files/.incoming"))) {
            assertThat(incoming.filter(p -> p.getFileName().toString().startsWith("upload-")).count()).isZero();
        }
        // a failed PUT leaves the slot usable; exactly the declared bytes, chunked, are accepted
        assertThat(Uploads.put(slot, chunked(bytes), Map.of()).statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(object(slot))).isEqualTo(bytes);
    }

    @Test
    void textDeclaredAsPngIsRejectedWith415AndRemoved() {
        byte[] text = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
        JsonNode slot = uploads.slot("patient", patient, "cat.png", "image/png", text, true);
        assertThat(Uploads.put(slot, text).statusCode()).isEqualTo(200);
        assertThat(object(slot)).exists();

        Reply rejected = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(rejected.status()).isEqualTo(415);
        assertThat(rejected.code()).isEqualTo(41501);
        assertThat(rejected.msg()).contains("not a image/png file");
        assertThat(object(slot)).doesNotExist();

        Reply again = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo(40903);
        assertThat(again.msg()).contains("rejected");
        assertThat(Uploads.put(slot, text).statusCode()).isEqualTo(409);
    }

    @Test
    void aSha256OtherThanTheDeclaredOneIsRejectedWith422AndRemoved() {
        byte[] bytes = Samples.of("image/jpeg", 2000);
        String otherSha = Uploads.sha256(Samples.of("image/jpeg", 2001));
        Reply pre = uploads.preUpload("patient", patient, "a.jpg", bytes.length, "image/jpeg", otherSha);
        JsonNode slot = pre.data();
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        Reply rejected = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.code()).isEqualTo(42201);
        assertThat(rejected.msg()).contains("sha256");
        assertThat(object(slot)).doesNotExist();
    }

    @Test
    void aStoredObjectOfAnotherSizeIsRejectedWith422AndRemoved() throws Exception {
        // The local PUT never stores a wrong size; a store that does not enforce it (or a file
        // placed beside MedMsg) must still be caught by upload_access.
        byte[] bytes = Samples.of("application/pdf", 800);
        JsonNode slot = uploads.slot("patient", patient, "a.pdf", "application/pdf", bytes, false);
        Files.createDirectories(object(slot).getParent());
        Files.write(object(slot), Arrays.copyOf(bytes, 700));
        Reply rejected = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.code()).isEqualTo(42201);
        assertThat(rejected.msg()).contains("700").contains("800");
        assertThat(object(slot)).doesNotExist();
    }

    @Test
    void everyAllowedTypeWithMatchingBytesBecomesReady() {
        for (String mime : ContentSniffer.ALLOWED) {
            byte[] bytes = Samples.of(mime, 256);
            String token = Tokens.doctor(unique("dv"));
            JsonNode slot = uploads.slot("doctor", token, "f", mime, bytes, true);
            assertThat(Uploads.put(slot, bytes).statusCode()).as(mime).isEqualTo(200);
            Reply ready = uploads.confirm("doctor", token, slot.get("file_id").asString());
            assertThat(ready.status()).as(mime + " " + ready).isEqualTo(200);
        }
    }
}
