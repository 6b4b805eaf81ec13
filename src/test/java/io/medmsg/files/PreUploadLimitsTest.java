package io.medmsg.files;

import io.medmsg.support.Uploads;
import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/** What pre_upload refuses: types, sizes, names, sha256 format, too many pending slots. */
class PreUploadLimitsTest extends ApiTest {

    private static final long MIB = 1024 * 1024;

    private Uploads uploads;
    private String patient;

    @BeforeEach
    void setUp() {
        uploads = new Uploads(api);
        patient = Tokens.patient(unique("pl"));
    }

    private Reply pre(String name, long size, String mime, String sha) {
        return uploads.preUpload("patient", patient, name, size, mime, sha);
    }

    private static void assertRefused(Reply reply, int status, int code, String msgPart) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.code()).isEqualTo(code);
        assertThat(reply.msg()).contains(msgPart);
        assertThat(reply.body().get("data").isNull()).isTrue();
    }

    @Test
    void typesOutsideTheAllowListAreRefusedWith415() {
        for (String mime : new String[] {"text/html", "image/svg+xml", "application/octet-stream", "image/jpg", "video/webm"}) {
            assertRefused(pre("a.bin", 10, mime, null), 415, 41501, "mime_type must be one of");
        }
        assertThat(pre("a.png", 10, " IMAGE/PNG ", null).status()).isEqualTo(200);
    }

    @Test
    void sizeOverTwentyMibIsRefusedWith413AndTheLimitIsNamed() {
        assertRefused(pre("big.mp4", 20 * MIB + 1, "video/mp4", null), 413, 41301, "20971520 bytes (20 MiB)");
        assertThat(pre("max.mp4", 20 * MIB, "video/mp4", null).status()).isEqualTo(200);
    }

    @Test
    void sizeMustBeAtLeastOneByteAndIsRequired() {
        assertRefused(pre("a.png", 0, "image/png", null), 400, 40001, "size must be at least 1");
        assertRefused(pre("a.png", -5, "image/png", null), 400, 40001, "size must be at least 1");
        Reply missing = api.post("/msg_service/msg/patient/file/pre_upload", patient,
                Tokens.body("file_name", "a.png", "mime_type", "image/png"));
        assertRefused(missing, 400, 40001, "size is required");
        Reply noType = api.post("/msg_service/msg/patient/file/pre_upload", patient,
                Tokens.body("file_name", "a.png", "size", 3));
        assertRefused(noType, 400, 40001, "mime_type is required");
    }

    @Test
    void fileNamesAreSanitisedAndRefusedWhenNothingIsLeft() {
        for (String bad : new String[] {"", "   ", "/", "../", "a/..", "\u0000\u0007", "dir\\", "\u202E"}) {
            assertRefused(pre(bad, 10, "image/png", null), 400, 40001, "file_name");
        }
        assertRefused(pre("x".repeat(256), 10, "image/png", null), 400, 40001, "at most 255 characters");
        assertRefused(api.post("/msg_service/msg/patient/file/pre_upload", patient,
                Tokens.body("size", 10, "mime_type", "image/png")), 400, 40001, "file_name is required");
        assertThat(pre("图".repeat(255), 10, "image/png", null).status()).isEqualTo(200);

        String id = new JsonHolder(pre("../../etc/pass\u0000wd\u202Egnp.exe", 4, "image/png", null)).data()
                .get("file_id").asString();
        byte[] bytes = Samples.png(16);
        JsonHolder slot = new JsonHolder(pre("C:\\fakepath\\scan\r\n.png", 16, "image/png", null));
        Uploads.put(slot.data(), bytes);
        Reply ready = uploads.confirm("patient", patient, slot.data().get("file_id").asString());
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.data().get("file_name").asString()).isEqualTo("scan.png");
        assertThat(id).matches("[0-9a-f]{32}");
    }

    @Test
    void sha256MustBeSixtyFourHexCharactersWhenGiven() {
        for (String bad : new String[] {"abc", "g".repeat(64), "a".repeat(63), "a".repeat(65), "a".repeat(62) + " a"}) {
            assertRefused(pre("a.png", 10, "image/png", bad), 400, 40001, "sha256 must be 64 hexadecimal characters");
        }
        assertThat(pre("a.png", 10, "image/png", "AB".repeat(32)).status()).isEqualTo(200);
        assertThat(pre("a.png", 10, "image/png", "").status()).isEqualTo(200);
    }

    @Test
    void theSixthPendingSlotIsRateLimitedWithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertThat(pre("a" + i + ".png", 10, "image/png", null).status()).isEqualTo(200);
        }
        Reply sixth = pre("a5.png", 10, "image/png", null);
        assertRefused(sixth, 429, 42901, "at most 5 upload slots");
        long retryAfter = Long.parseLong(sixth.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 15 * 60L);
        // another user is not affected, nor is the same id in the other role
        assertThat(pre("b.png", 10, "image/png", null).status()).isEqualTo(429);
        assertThat(uploads.preUpload("doctor", Tokens.doctor(unique("pl")), "b.png", 10, "image/png", null).status())
                .isEqualTo(200);
    }

    @Test
    void twentyConcurrentPreUploadsOfOneUserGetExactlyFiveSlots() throws Exception {
        // counted and inserted under a lock of the user's own: exact on every database, not "five or six"
        for (int round = 0; round < 3; round++) {
            String user = Tokens.patient(unique("race" + round));
            java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger limited = new java.util.concurrent.atomic.AtomicInteger();
            io.medmsg.support.Concurrently.run(20, thread -> {
                Reply r = uploads.preUpload("patient", user, "r" + thread + ".png", 10, "image/png", null);
                if (r.status() == 200) {
                    granted.incrementAndGet();
                } else {
                    assertRefused(r, 429, 42901, "at most 5 upload slots");
                    limited.incrementAndGet();
                }
            });
            assertThat(granted.get()).as("round %d: slots granted", round).isEqualTo(5);
            assertThat(limited.get()).isEqualTo(15);
        }
    }

    @Test
    void aConfirmedSlotNoLongerCountsAsPending() {
        byte[] bytes = Samples.png(50);
        String first = null;
        for (int i = 0; i < 5; i++) {
            Reply r = pre("a" + i + ".png", bytes.length, "image/png", null);
            if (first == null) {
                first = r.data().toString();
                Uploads.put(r.data(), bytes);
                assertThat(uploads.confirm("patient", patient, r.data().get("file_id").asString()).status()).isEqualTo(200);
            }
        }
        assertThat(pre("a5.png", 10, "image/png", null).status()).isEqualTo(200);
        assertThat(pre("a6.png", 10, "image/png", null).status()).isEqualTo(429);
    }

    @Test
    void theOtherRolesFaceIsForbidden() {
        Reply reply = uploads.preUpload("doctor", patient, "a.png", 10, "image/png", null);
        assertRefused(reply, 403, 40301, "role");
        assertThat(api.post("/msg_service/msg/patient/file/pre_upload", null,
                Tokens.body("file_name", "a.png", "size", 10, "mime_type", "image/png")).code()).isEqualTo(40101);
    }

    private record JsonHolder(Reply reply) {
        tools.jackson.databind.JsonNode data() {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            return reply.data();
        }
    }
}
