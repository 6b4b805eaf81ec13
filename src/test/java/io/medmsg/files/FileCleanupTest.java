package io.medmsg.files;

import io.medmsg.support.Uploads;
import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/** The cleanup job removes expired unconfirmed slots and their objects, never a ready file. */
class FileCleanupTest extends ApiTest {

    @Autowired
    FileService fileService;

    @Autowired
    FileRepository repository;

    @Autowired
    MedMsgProperties properties;

    private Path object(String id) {
        return properties.dataDir().resolve("files").resolve(id.substring(0, 2)).resolve(id);
    }

    @Test
    void expiredSlotsGoWithTheirObjectsWhileReadyFilesAndLiveSlotsStay() {
        Uploads uploads = new Uploads(api);
        String token = Tokens.patient(unique("pc"));
        byte[] bytes = Samples.png(300);

        JsonNode uploadedOnly = uploads.slot("patient", token, "u.png", "image/png", bytes, false);
        Uploads.put(uploadedOnly, bytes);
        JsonNode emptySlot = uploads.slot("patient", token, "e.png", "image/png", bytes, false);
        JsonNode readySlot = uploads.slot("patient", token, "r.png", "image/png", bytes, false);
        Uploads.put(readySlot, bytes);
        String url = uploads.confirm("patient", token, readySlot.get("file_id").asString()).data().get("url").asString();
        byte[] text = "not a png".getBytes();
        JsonNode rejectedSlot = uploads.slot("patient", token, "x.png", "image/png", text, false);
        Uploads.put(rejectedSlot, text);
        assertThat(uploads.confirm("patient", token, rejectedSlot.get("file_id").asString()).status()).isEqualTo(415);

        String uploadedId = uploadedOnly.get("file_id").asString();
        String emptyId = emptySlot.get("file_id").asString();
        String readyId = readySlot.get("file_id").asString();
        String rejectedId = rejectedSlot.get("file_id").asString();

        // nothing has expired yet: nothing of this test goes
        fileService.cleanup(Instant.now());
        assertThat(repository.find(uploadedId)).isPresent();
        assertThat(repository.find(emptyId)).isPresent();
        assertThat(repository.find(rejectedId)).isPresent();
        assertThat(object(uploadedId)).exists();

        // past the 15 minute slot lifetime
        FileService.CleanupResult result = fileService.cleanup(Instant.now().plus(Duration.ofMinutes(16)));
        assertThat(result.expiredSlots()).isGreaterThanOrEqualTo(2);
        assertThat(repository.find(uploadedId)).isEmpty();
        assertThat(object(uploadedId)).doesNotExist();
        assertThat(repository.find(emptyId)).isEmpty();
        assertThat(repository.find(rejectedId)).isEmpty();

        assertThat(repository.find(readyId)).hasValueSatisfying(f -> assertThat(f.status()).isEqualTo(FileRecord.Status.READY));
        assertThat(object(readyId)).exists();
        assertThat(Uploads.get(url, Map.of()).body()).isEqualTo(bytes);
        assertThat(fileService.find(readyId)).isPresent();

        // the expired slot's URL is dead too
        assertThat(Uploads.put(uploadedOnly, bytes).statusCode()).isEqualTo(403);
    }

    @Test
    void partFilesThatNoUploadWritesAnyMoreAreRemovedAndLiveOnesKept() throws Exception {
        // what a crash in the middle of an upload leaves behind, and an upload still arriving
        Path incoming = properties.dataDir().resolve("files").resolve(".incoming");
        Path crashed = java.nio.file.Files.writeString(incoming.resolve("upload-" + unique("c") + ".part"), "half");
        java.nio.file.Files.setLastModifiedTime(crashed,
                java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path arriving = java.nio.file.Files.writeString(incoming.resolve("upload-" + unique("a") + ".part"), "half");

        fileService.cleanup(Instant.now());
        assertThat(crashed).doesNotExist();
        assertThat(arriving).exists();
        java.nio.file.Files.delete(arriving);
    }

    @Test
    void cleanupIntervalsAreJitteredAroundTheSetting() {
        Duration interval = Duration.ofMinutes(5);
        for (int i = 0; i < 200; i++) {
            assertThat(FileCleanup.jittered(interval)).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
        }
    }
}
