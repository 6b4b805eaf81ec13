package io.medmsg.files;

import io.medmsg.support.Uploads;
import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tools.jackson.databind.JsonNode;

/** The same flow against a real S3 API server (s3proxy): presigned PUT and GET, copy to an immutable key. */
class S3FilesTest extends ApiTest {

    private static final String BUCKET = "medmsg-files";
    private static final S3ProxyServer S3 = S3ProxyServer.start();

    static {
        S3.createBucket(BUCKET);
    }

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.storage.type", () -> "s3");
        registry.add("medmsg.storage.s3.endpoint", () -> S3.endpoint);
        registry.add("medmsg.storage.s3.region", () -> S3ProxyServer.REGION);
        registry.add("medmsg.storage.s3.bucket", () -> BUCKET);
        registry.add("medmsg.storage.s3.access-key", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("medmsg.storage.s3.secret-key", () -> S3ProxyServer.SECRET_KEY);
        registry.add("medmsg.storage.s3.path-style", () -> "true");
        registry.add("medmsg.storage.s3.download-ttl", () -> "2m");
    }

    @AfterAll
    static void stop() {
        S3.stop();
    }

    @Autowired
    FileService fileService;

    private Uploads uploads;
    private String patient;

    @BeforeEach
    void setUp() {
        uploads = new Uploads(api);
        patient = Tokens.patient(unique("ps3"));
    }

    /** The object key that a presigned URL of the bucket points at. */
    private static String keyOf(String url) {
        return URI.create(url).getPath().substring(("/" + BUCKET + "/").length());
    }

    private static boolean exists(String key) {
        try (S3Client s3 = S3.client()) {
            s3.headObject(h -> h.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private JsonNode uploadAndConfirm(String name, String mime, byte[] bytes) {
        JsonNode slot = uploads.slot("patient", patient, name, mime, bytes, true);
        HttpResponse<String> put = Uploads.put(slot, bytes);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        Reply ready = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        return ready.data();
    }

    @Test
    void uploadConfirmAndDownloadGoThroughPresignedUrlsOfTheBucket() {
        byte[] bytes = Samples.png(6000);
        JsonNode slot = uploads.slot("patient", patient, "胸片 1.png", "image/png", bytes, true);
        String uploadUrl = slot.get("upload_url").asString();
        assertThat(uploadUrl).startsWith(S3.endpoint + "/" + BUCKET + "/uploads/").contains("X-Amz-Signature=");
        assertThat(slot.get("upload_method").asString()).isEqualTo("PUT");
        assertThat(slot.get("upload_headers").get("Content-Type").asString()).isEqualTo("image/png");
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);

        Reply ready = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        String fileId = ready.data().get("file_id").asString();
        String url = ready.data().get("url").asString();
        assertThat(keyOf(url)).isEqualTo("files/" + fileId);
        assertThat(url).contains("response-content-disposition=").contains("response-content-type=");
        assertThat(exists(keyOf(uploadUrl))).as("the upload key is gone once the file is sealed").isFalse();

        HttpResponse<byte[]> download = Uploads.get(url, Map.of());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(download.headers().firstValue("Content-Disposition")).hasValue(
                "inline; filename=\"__ 1.png\"; filename*=UTF-8''%E8%83%B8%E7%89%87%201.png");

        FileLink link = fileService.downloadLink(fileService.find(fileId).orElseThrow());
        assertThat(Uploads.get(link.url(), Map.of()).body()).isEqualTo(bytes);
    }

    @Test
    void aPresignedDownloadUrlLivesNoLongerThanTheS3DownloadTtl() {
        long before = System.currentTimeMillis();
        JsonNode ready = uploadAndConfirm("a.png", "image/png", Samples.png(1000));
        String url = ready.get("url").asString();
        long expires = Long.parseLong(url.replaceAll(".*[?&]X-Amz-Expires=(\\d+).*", "$1"));
        assertThat(expires).as(url).isLessThanOrEqualTo(120);
        assertThat(ready.get("url_expires_at").asLong()).isLessThanOrEqualTo(System.currentTimeMillis() + 120_000)
                .isGreaterThan(before);
    }

    @Test
    void thePresignedPutIsBoundToTheDeclaredTypeAndLength() {
        byte[] bytes = Samples.png(1000);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        HttpResponse<String> otherType = Uploads.put(slot, HttpRequest.BodyPublishers.ofByteArray(bytes),
                Map.of("Content-Type", "text/html"));
        assertThat(otherType.statusCode()).isEqualTo(403);
        HttpResponse<String> otherLength = Uploads.put(slot, HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(bytes, 1200)),
                Map.of());
        assertThat(otherLength.statusCode()).isEqualTo(403);
        assertThat(exists(keyOf(slot.get("upload_url").asString()))).isFalse();
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
    }

    @Test
    void aPutThroughTheOldPresignedUrlAfterConfirmCannotSwapTheFile() {
        byte[] original = Samples.png(2048);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", original, false);
        assertThat(Uploads.put(slot, original).statusCode()).isEqualTo(200);
        String fileId = slot.get("file_id").asString();
        assertThat(uploads.confirm("patient", patient, fileId).status()).isEqualTo(200);

        byte[] evil = Samples.png(2048);
        Arrays.fill(evil, 100, 2048, (byte) 'X');
        HttpResponse<String> swap = Uploads.put(slot, evil);
        assertThat(swap.statusCode()).as("the store itself accepts it, into the upload key only").isEqualTo(200);

        Reply again = uploads.confirm("patient", patient, fileId);
        assertThat(again.status()).isEqualTo(200);
        assertThat(Uploads.get(again.data().get("url").asString(), Map.of()).body()).isEqualTo(original);

        // the cleanup job sweeps the refilled upload key once the slot has expired, and keeps the file
        String uploadKey = keyOf(slot.get("upload_url").asString());
        assertThat(exists(uploadKey)).isTrue();
        fileService.cleanup(Instant.now().plus(Duration.ofMinutes(16)));
        assertThat(exists(uploadKey)).isFalse();
        assertThat(exists("files/" + fileId)).isTrue();
        assertThat(Uploads.get(fileService.downloadLink(fileService.find(fileId).orElseThrow()).url(), Map.of()).body())
                .isEqualTo(original);
    }

    @Test
    void textDeclaredAsPngIsRejectedAndEveryObjectRemoved() {
        byte[] text = "GIF89a? no: plain text pretending to be a png".getBytes(StandardCharsets.US_ASCII);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", text, false);
        assertThat(Uploads.put(slot, text).statusCode()).isEqualTo(200);
        String fileId = slot.get("file_id").asString();
        Reply rejected = uploads.confirm("patient", patient, fileId);
        assertThat(rejected.status()).isEqualTo(415);
        assertThat(rejected.code()).isEqualTo(41501);
        assertThat(exists(keyOf(slot.get("upload_url").asString()))).isFalse();
        assertThat(exists("files/" + fileId)).isFalse();
        assertThat(uploads.confirm("patient", patient, fileId).code()).isEqualTo(40903);
    }

    @Test
    void anObjectOfAnotherSizeOrHashIsRejectedWith422() {
        byte[] bytes = Samples.of("audio/mpeg", 900);
        JsonNode slot = uploads.slot("patient", patient, "a.mp3", "audio/mpeg", bytes, false);
        // written with the bucket's own credentials, past the presigned URL's length binding
        try (S3Client s3 = S3.client()) {
            s3.putObject(p -> p.bucket(BUCKET).key(keyOf(slot.get("upload_url").asString())).contentType("audio/mpeg"),
                    RequestBody.fromBytes(Arrays.copyOf(bytes, 800)));
        }
        Reply wrongSize = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(wrongSize.status()).isEqualTo(422);
        assertThat(wrongSize.code()).isEqualTo(42201);
        assertThat(exists("files/" + slot.get("file_id").asString())).isFalse();

        Reply pre = uploads.preUpload("patient", patient, "b.mp3", bytes.length, "audio/mpeg", "0".repeat(64));
        assertThat(Uploads.put(pre.data(), bytes).statusCode()).isEqualTo(200);
        Reply wrongHash = uploads.confirm("patient", patient, pre.data().get("file_id").asString());
        assertThat(wrongHash.status()).isEqualTo(422);
        assertThat(wrongHash.msg()).contains("sha256");
        assertThat(exists("files/" + pre.data().get("file_id").asString())).isFalse();
    }

    @Test
    void confirmBeforeUploadIsAConflictAndForeignUsersSee404() {
        byte[] bytes = Samples.of("application/pdf", 500);
        JsonNode slot = uploads.slot("patient", patient, "r.pdf", "application/pdf", bytes, false);
        String fileId = slot.get("file_id").asString();
        assertThat(uploads.confirm("patient", patient, fileId).code()).isEqualTo(40903);
        Uploads.put(slot, bytes);
        assertThat(uploads.confirm("patient", Tokens.patient(unique("x")), fileId).code()).isEqualTo(40401);
        JsonNode file = uploads.confirm("patient", patient, fileId).data();
        HttpResponse<byte[]> pdf = Uploads.get(file.get("url").asString(), Map.of());
        assertThat(pdf.body()).isEqualTo(bytes);
        assertThat(pdf.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; ");
    }

    @Test
    void localFileUrlsDoNotExistWithS3Storage() {
        HttpResponse<byte[]> local = Uploads.get(api.base() + "/files/download/" + "a".repeat(32) + "?exp=1&sig=x", Map.of());
        assertThat(local.statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> fileService.requireReadyFileOf(new io.medmsg.auth.Caller("nobody", io.medmsg.auth.Role.PATIENT, null, null),
                "a".repeat(32))).isInstanceOf(io.medmsg.web.ApiException.class);
    }
}
