package io.medmsg.files;

import io.medmsg.support.Uploads;
import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.auth.Caller;
import io.medmsg.auth.Role;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import io.medmsg.web.ApiException;
import tools.jackson.databind.JsonNode;

/** pre_upload → PUT → upload_access → download on local storage, and who may do each step. */
class FileFlowTest extends ApiTest {

    @Autowired
    FileService fileService;

    private Uploads uploads;
    private String patientId;
    private String patient;

    @BeforeEach
    void setUp() {
        uploads = new Uploads(api);
        patientId = unique("pf");
        patient = Tokens.patient(patientId);
    }

    private JsonNode uploadAndConfirm(String face, String token, String name, String mime, byte[] bytes) {
        JsonNode slot = uploads.slot(face, token, name, mime, bytes, true);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        Reply ready = uploads.confirm(face, token, slot.get("file_id").asString());
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        return ready.data();
    }

    @Test
    void patientUploadsConfirmsAndDownloadsTheSameBytes() {
        byte[] bytes = Samples.png(5000);
        Reply pre = uploads.preUpload("patient", patient, "x-ray 片子.png", bytes.length, "image/png", Uploads.sha256(bytes));
        assertThat(pre.status()).isEqualTo(200);
        JsonNode slot = pre.data();
        assertThat(slot.get("file_id").asString()).matches("[0-9a-f]{32}");
        assertThat(slot.get("upload_method").asString()).isEqualTo("PUT");
        assertThat(slot.get("upload_url").asString()).startsWith(api.base() + "/files/upload/" + slot.get("file_id").asString() + "?");
        assertThat(slot.get("upload_headers").get("Content-Type").asString()).isEqualTo("image/png");
        long expiresAt = slot.get("expires_at").asLong();
        assertThat(expiresAt - System.currentTimeMillis()).isBetween(14 * 60_000L, 15 * 60_000L + 1000);

        HttpResponse<String> put = Uploads.put(slot, bytes);
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(Uploads.json(put).get("data").get("size").asLong()).isEqualTo(bytes.length);

        Reply ready = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        JsonNode file = ready.data();
        assertThat(file.get("file_id").asString()).isEqualTo(slot.get("file_id").asString());
        assertThat(file.get("status").asString()).isEqualTo("ready");
        assertThat(file.get("file_name").asString()).isEqualTo("x-ray 片子.png");
        assertThat(file.get("mime_type").asString()).isEqualTo("image/png");
        assertThat(file.get("size").asLong()).isEqualTo(bytes.length);
        assertThat(file.get("url_expires_at").asLong() - System.currentTimeMillis()).isBetween(59 * 60_000L, 60 * 60_000L + 1000);

        HttpResponse<byte[]> download = Uploads.get(file.get("url").asString(), Map.of());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(download.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(download.headers().firstValue("Content-Security-Policy")).hasValue("sandbox; default-src 'none'");
        assertThat(download.headers().firstValue("Content-Disposition")).hasValue(
                "inline; filename=\"x-ray __.png\"; filename*=UTF-8''x-ray%20%E7%89%87%E5%AD%90.png");
    }

    @Test
    void doctorFaceWorksTheSameAndAPdfDownloadsAsAttachment() {
        String doctor = Tokens.doctor(unique("df"));
        byte[] bytes = Samples.of("application/pdf", 3000);
        JsonNode file = uploadAndConfirm("doctor", doctor, "化验单 \"final\".pdf", "application/pdf", bytes);
        HttpResponse<byte[]> download = Uploads.get(file.get("url").asString(), Map.of());
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment; filename=\"___ _final_.pdf\"; filename*=UTF-8''");
    }

    @Test
    void confirmIsIdempotentOnceReadyWithAFreshUrl() throws Exception {
        byte[] bytes = Samples.of("audio/ogg", 700);
        JsonNode first = uploadAndConfirm("patient", patient, "voice.ogg", "audio/ogg", bytes);
        Thread.sleep(5);
        Reply again = uploads.confirm("patient", patient, first.get("file_id").asString());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("status").asString()).isEqualTo("ready");
        assertThat(again.data().get("size").asLong()).isEqualTo(700);
        assertThat(again.data().get("url_expires_at").asLong()).isGreaterThan(first.get("url_expires_at").asLong());
        assertThat(Uploads.get(again.data().get("url").asString(), Map.of()).body()).isEqualTo(bytes);
    }

    @Test
    void audioAndVideoAnswerRangeRequestsWith206() {
        byte[] bytes = Samples.of("video/mp4", 10_000);
        JsonNode file = uploadAndConfirm("patient", patient, "clip.mp4", "video/mp4", bytes);
        HttpResponse<byte[]> part = Uploads.get(file.get("url").asString(), Map.of("Range", "bytes=100-199"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/10000");
        assertThat(part.headers().firstValue("Content-Type")).hasValue("video/mp4");
        HttpResponse<byte[]> tail = Uploads.get(file.get("url").asString(), Map.of("Range", "bytes=-10"));
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, 9990, 10_000));
    }

    @Test
    void confirmBeforeTheUploadIsAConflict() {
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", Samples.png(100), false);
        Reply early = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.code()).isEqualTo(40903);
        assertThat(early.msg()).contains("not been uploaded");
    }

    @Test
    void aForeignUserCanNeitherConfirmNorUseTheFileAndSeesTheSameAnswerAsForAMissingOne() {
        byte[] bytes = Samples.png(300);
        JsonNode slot = uploads.slot("patient", patient, "mine.png", "image/png", bytes, false);
        Uploads.put(slot, bytes);
        String fileId = slot.get("file_id").asString();

        Reply foreign = uploads.confirm("patient", Tokens.patient(unique("other")), fileId);
        Reply missing = uploads.confirm("patient", Tokens.patient(unique("other")), "0".repeat(32));
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo(40401);
        assertThat(foreign.msg()).isEqualTo(missing.msg());
        // the same user id with another role is another user
        assertThat(uploads.confirm("doctor", Tokens.doctor(patientId), fileId).status()).isEqualTo(404);

        assertThat(uploads.confirm("patient", patient, fileId).status()).isEqualTo(200);
        Caller stranger = new Caller(unique("other"), Role.PATIENT, null, null);
        assertThatThrownBy(() -> fileService.requireReadyFileOf(stranger, fileId))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errorCode().code()).isEqualTo(40401));
        assertThat(uploads.confirm("patient", Tokens.patient(unique("other")), fileId).status()).isEqualTo(404);
    }

    @Test
    void chatServiceApiGivesTheOwnersReadyFileAndFreshLinks() {
        byte[] bytes = Samples.of("audio/amr", 400);
        JsonNode slot = uploads.slot("patient", patient, "note.amr", "audio/amr", bytes, false);
        String fileId = slot.get("file_id").asString();
        Caller owner = new Caller(patientId, Role.PATIENT, null, null);
        assertThatThrownBy(() -> fileService.requireReadyFileOf(owner, fileId))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errorCode().code()).isEqualTo(40903));
        assertThat(fileService.find(fileId)).isEmpty();

        Uploads.put(slot, bytes);
        uploads.confirm("patient", patient, fileId);
        StoredFile file = fileService.requireReadyFileOf(owner, fileId);
        assertThat(file).isEqualTo(new StoredFile(fileId, patientId, "note.amr", "audio/amr", 400));
        assertThat(fileService.find(fileId)).contains(file);
        FileLink link = fileService.downloadLink(file);
        assertThat(link.expiresAt()).isGreaterThan(System.currentTimeMillis() + 59 * 60_000L);
        assertThat(Uploads.get(link.url(), Map.of()).body()).isEqualTo(bytes);
        assertThatThrownBy(() -> fileService.requireReadyFileOf(owner, "f".repeat(32)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errorCode().code()).isEqualTo(40401));
    }

    @Test
    void aSecondPutToTheSameSlotIsRefusedBeforeAndAfterConfirm() {
        byte[] bytes = Samples.png(400);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        byte[] other = Samples.png(400);
        other[399] ^= 1;
        HttpResponse<String> second = Uploads.put(slot, other);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(Uploads.json(second).get("code").asInt()).isEqualTo(40903);

        JsonNode file = uploads.confirm("patient", patient, slot.get("file_id").asString()).data();
        HttpResponse<String> afterConfirm = Uploads.put(slot, other);
        assertThat(afterConfirm.statusCode()).isEqualTo(409);
        assertThat(Uploads.get(file.get("url").asString(), Map.of()).body()).isEqualTo(bytes);
    }

    @Test
    void thePutMustCarryTheDeclaredContentType() {
        byte[] bytes = Samples.png(200);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        HttpResponse<String> wrong = Uploads.put(slot, HttpRequest.BodyPublishers.ofByteArray(bytes),
                Map.of("Content-Type", "text/html"));
        assertThat(wrong.statusCode()).isEqualTo(415);
        assertThat(Uploads.json(wrong).get("code").asInt()).isEqualTo(41501);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
    }

    @Test
    void tamperedOrExpiredSignaturesAreRefusedWith403() {
        byte[] bytes = Samples.png(200);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        String url = slot.get("upload_url").asString();
        String fileId = slot.get("file_id").asString();
        long exp = slot.get("expires_at").asLong();

        for (String bad : new String[] {
                url.replaceFirst("sig=.", "sig=" + (url.contains("sig=A") ? "B" : "A")),   // tampered signature
                url.replace("exp=" + exp, "exp=" + (exp + 60_000)),                        // extended expiry
                url.replaceFirst("\\?.*", ""),                                              // no signature at all
                url.replace(fileId, "0".repeat(32)) }) {                                    // another slot
            HttpResponse<String> refused = Uploads.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(bad))
                    .header("Content-Type", "image/png").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
            assertThat(refused.statusCode()).as(bad).isEqualTo(403);
            assertThat(Uploads.json(refused).get("code").asInt()).isEqualTo(40302);
        }

        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        String download = uploads.confirm("patient", patient, fileId).data().get("url").asString();
        String dexp = download.replaceAll(".*exp=(\\d+).*", "$1");
        for (String bad : new String[] {
                download.substring(0, download.length() - 2) + (download.endsWith("AA") ? "BB" : "AA"),
                download.replace("exp=" + dexp, "exp=" + (Long.parseLong(dexp) + 1)),
                download.replaceFirst("\\?.*", "") }) {
            HttpResponse<byte[]> refused = Uploads.get(bad, Map.of());
            assertThat(refused.statusCode()).as(bad).isEqualTo(403);
            assertThat(Uploads.json(refused).get("code").asInt()).isEqualTo(40302);
        }
    }

    /** A form body is no place for the signature: it would be read before the file it stands in for. */
    @Test
    void theUploadSignatureIsReadFromTheUrlOnly() {
        byte[] bytes = Samples.png(200);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        String[] url = slot.get("upload_url").asString().split("\\?", 2);
        HttpResponse<String> refused = Uploads.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url[0]))
                .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString(url[1])));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(Uploads.json(refused).get("code").asInt()).isEqualTo(40302);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
    }

    @Test
    void anExpiredButOtherwiseValidDownloadSignatureIsRefused(@Autowired UrlSigner signer) {
        byte[] bytes = Samples.png(200);
        String fileId = uploadAndConfirm("patient", patient, "a.png", "image/png", bytes).get("file_id").asString();
        long past = System.currentTimeMillis() - 1000;
        HttpResponse<byte[]> expired = Uploads.get(api.base() + "/files/download/" + fileId + "?exp=" + past + "&sig="
                + signer.signDownload(fileId, past), Map.of());
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(Uploads.json(expired).get("code").asInt()).isEqualTo(40302);
        long future = System.currentTimeMillis() + 60_000;
        assertThat(Uploads.get(api.base() + "/files/download/" + fileId + "?exp=" + future + "&sig="
                + signer.signDownload(fileId, future), Map.of()).body()).isEqualTo(bytes);
    }
}
