package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.TinyDisk;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/**
 * The data directory on a full disk (a 4 MiB tmpfs, filled): SQLite cannot append to its log, and
 * local file storage cannot take a file. A send and an upload are answered 507/50701 with
 * Retry-After, and readiness is DOWN; once space is freed, readiness comes back UP by itself and
 * the send, repeated with its client_msg_id, is stored once.
 */
@Tag("sqlite-only")
class StorageFullTest extends ApiTest {

    private static final Path DATA_DIR = tempDir().resolve("data");
    private static TinyDisk disk;

    @DynamicPropertySource
    static void dataDirOnATinyDisk(DynamicPropertyRegistry registry) {
        registry.add("medmsg.data-dir", DATA_DIR::toString);
    }

    @BeforeAll
    static void mount() {
        // before the context starts, which creates the database on it
        disk = TinyDisk.mount(DATA_DIR, 4);
    }

    @AfterAll
    static void unmount() {
        if (disk != null) {
            disk.free();
            disk.unmount();
        }
    }

    @Test
    void onAFullDiskSendsAndUploadsAre507AndReadinessIsDownUntilSpaceIsFreed() throws Exception {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("pat"));
        Reply first = chat.patientSends(patient, doctorId, "before the disk filled");
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        String sessionId = first.data().get("session_id").asString();
        byte[] png = Samples.png(8 * 1024);
        JsonNode slot = new Uploads(api).slot("patient", patient, "scan.png", "image/png", png, false);

        disk.fill();
        try {
            assertStorageFull(chat.patientSends(patient, doctorId, "while the disk is full", "cmid-full"));
            HttpResponse<String> put = Uploads.put(slot, png);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(507);
            assertThat(Uploads.json(put).get("code").asInt()).isEqualTo(50701);
            assertThat(put.headers().firstValue("Retry-After")).isPresent();
            assertThat(readiness()).as("readiness while writes cannot be made durable").isEqualTo(503);
            // the health check's probe write fails as well: still not ready
            Thread.sleep(1000);
            assertThat(readiness()).isEqualTo(503);
        } finally {
            disk.free();
        }

        awaitReadiness(200, Duration.ofSeconds(20));
        Reply again = chat.patientSends(patient, doctorId, "while the disk is full", "cmid-full");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        Reply list = api.get(Chat.P + "msg_list?session_id=" + sessionId, patient);
        assertThat(list.data().get("list").size()).as(list.raw()).isEqualTo(2);
    }

    private static void assertStorageFull(Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(507);
        assertThat(reply.code()).isEqualTo(50701);
        assertThat(reply.header("Retry-After")).as("Retry-After").isNotBlank();
    }

    private int readiness() {
        return api.get("/actuator/health/readiness", null).status();
    }

    private void awaitReadiness(int status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (readiness() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(readiness()).as("readiness, by itself, without a write").isEqualTo(status);
    }
}
