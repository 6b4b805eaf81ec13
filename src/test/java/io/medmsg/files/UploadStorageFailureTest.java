package io.medmsg.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.ApiTest;
import io.medmsg.support.Samples;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.TinyDisk;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/**
 * Local file storage on a disk that is full (a 2 MiB tmpfs, filled): a PUT is answered
 * 507/50701 with Retry-After, nothing is stored, and its slot stops counting against the
 * uploader's pending slots, so more pre_uploads than the limit are still granted. Once space is
 * freed, uploads work again without a restart.
 */
class UploadStorageFailureTest extends ApiTest {

    private static final Path DATA_DIR = tempDir();
    private static final int MAX_PENDING = 2;
    private static TinyDisk disk;

    private Uploads uploads;

    @DynamicPropertySource
    static void fileStoreOnATinyDisk(DynamicPropertyRegistry registry) {
        registry.add("medmsg.data-dir", DATA_DIR::toString);
        registry.add("medmsg.storage.max-pending-slots", () -> MAX_PENDING);
        if (TestDatabase.kind() != TestDatabase.Kind.SQLITE) {
            TestDatabase.create(TestDatabase.kind()).register(registry);
        }
    }

    @BeforeAll
    static void mount() {
        // before the context starts, which creates its directories on it
        disk = TinyDisk.mount(DATA_DIR.resolve("files"), 2);
    }

    @AfterAll
    static void unmount() {
        if (disk != null) {
            disk.free();
            disk.unmount();
        }
    }

    @BeforeEach
    void setUp() {
        uploads = new Uploads(api);
    }

    @Test
    void anUploadTheDiskHasNoRoomForIs507AndFreesItsSlot() {
        String patient = Tokens.patient(unique("full"));
        byte[] png = Samples.png(8 * 1024);
        disk.fill();
        try {
            for (int i = 0; i <= MAX_PENDING; i++) {
                JsonNode slot = uploads.slot("patient", patient, "scan.png", "image/png", png, false);
                HttpResponse<String> put = Uploads.put(slot, png);
                assertThat(put.statusCode()).as(put.body()).isEqualTo(507);
                assertThat(Uploads.json(put).get("code").asInt()).isEqualTo(50701);
                assertThat(put.headers().firstValue("Retry-After")).isPresent();
            }
        } finally {
            disk.free();
        }
        JsonNode slot = uploads.slot("patient", patient, "scan.png", "image/png", png, false);
        assertThat(Uploads.put(slot, png).statusCode()).isEqualTo(200);
        var ready = uploads.confirm("patient", patient, slot.get("file_id").asString());
        assertThat(ready.status()).as(ready.raw()).isEqualTo(200);
        assertThat(ready.data().get("status").asString()).isEqualTo("ready");
    }
}
