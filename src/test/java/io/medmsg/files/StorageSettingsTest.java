package io.medmsg.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.unit.DataSize;

import io.medmsg.MedMsgApplication;

/** Storage settings that cannot work stop start-up with a message naming the setting. */
class StorageSettingsTest {

    @TempDir
    Path dataDir;

    private static StorageSettings settings(String type, StorageSettings.S3 s3) {
        return new StorageSettings(type, DataSize.ofMegabytes(20), Duration.ofMinutes(15), Duration.ofHours(1), 5,
                Duration.ofMinutes(5), null, null, s3);
    }

    private static StorageSettings.S3 s3(String endpoint, String region, String bucket, String access, String secret) {
        return new StorageSettings.S3(endpoint, region, bucket, access, secret, true, Duration.ofMinutes(5));
    }

    @Test
    void severalInstancesWithLocalFilesNeedOneUrlSecret() {
        assertThatThrownBy(() -> FilesConfig.requireSharedLocalStorage("postgres", settings("local", s3(null, null, null, null, null))))
                .hasMessageContaining("need the same medmsg.storage.url-secret").hasMessageContaining("medmsg.storage.type=s3");
        FilesConfig.requireSharedLocalStorage("local", settings("local", s3(null, null, null, null, null)));
        FilesConfig.requireSharedLocalStorage("redis", new StorageSettings("local", DataSize.ofMegabytes(20),
                Duration.ofMinutes(15), Duration.ofHours(1), 5, Duration.ofMinutes(5), null,
                "a-url-secret-of-at-least-thirty-two-bytes", s3(null, null, null, null, null)));
        FilesConfig.requireSharedLocalStorage("redis", settings("s3", s3(null, "us-east-1", "files", null, null)));
    }

    @Test
    void s3WithoutBucketOrRegionIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> settings("s3", s3("http://127.0.0.1:9000", "us-east-1", null, "a", "b")))
                .hasMessageContaining("medmsg.storage.s3.bucket");
        assertThatThrownBy(() -> settings("s3", s3("http://127.0.0.1:9000", "", "files", "a", "b")))
                .hasMessageContaining("medmsg.storage.s3.region");
        assertThatThrownBy(() -> settings("s3", s3(null, "us-east-1", "files", "a", null)))
                .hasMessageContaining("medmsg.storage.s3.secret-key");
        assertThatThrownBy(() -> settings("s3", s3(null, "us-east-1", "files", null, "b")))
                .hasMessageContaining("medmsg.storage.s3.access-key");
        assertThatThrownBy(() -> settings("s3", s3("minio:9000", "us-east-1", "files", "a", "b")))
                .hasMessageContaining("medmsg.storage.s3.endpoint");
        assertThat(settings("s3", s3(null, "us-east-1", "files", null, null)).isS3()).isTrue();
        assertThat(settings("local", s3(null, null, null, null, null)).isS3()).isFalse();
    }

    @Test
    void unknownTypeAndBadLimitsAreRefused() {
        assertThatThrownBy(() -> settings("ftp", s3(null, null, null, null, null)))
                .hasMessageContaining("medmsg.storage.type");
        assertThatThrownBy(() -> new StorageSettings("local", DataSize.ofBytes(0), Duration.ofMinutes(15),
                Duration.ofHours(1), 5, Duration.ofMinutes(5), null, null, s3(null, null, null, null, null)))
                .hasMessageContaining("medmsg.storage.max-file-bytes");
        assertThatThrownBy(() -> new StorageSettings("local", DataSize.ofMegabytes(1), Duration.ofMinutes(15),
                Duration.ofDays(8), 5, Duration.ofMinutes(5), null, null, s3(null, null, null, null, null)))
                .hasMessageContaining("medmsg.storage.download-ttl");
        assertThatThrownBy(() -> new StorageSettings("local", DataSize.ofMegabytes(1), Duration.ofMinutes(15),
                Duration.ofHours(1), 5, Duration.ofMinutes(5), null, "short", s3(null, null, null, null, null)))
                .hasMessageContaining("medmsg.storage.url-secret");
        assertThatThrownBy(() -> new StorageSettings("local", DataSize.ofMegabytes(1), Duration.ofMinutes(15),
                Duration.ofHours(1), 5, Duration.ofMinutes(5), "files.example", null, s3(null, null, null, null, null)))
                .hasMessageContaining("medmsg.storage.public-base-url");
    }

    @Test
    void onS3ADownloadLinkLivesTheShorterOfTheTwoTtls() {
        assertThat(settings("s3", s3(null, "us-east-1", "files", null, null)).linkTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings("local", s3(null, null, null, null, null)).linkTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(new StorageSettings("s3", DataSize.ofMegabytes(20), Duration.ofMinutes(15), Duration.ofMinutes(2), 5,
                Duration.ofMinutes(5), null, null, s3(null, "us-east-1", "files", null, null)).linkTtl())
                .isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> new StorageSettings.S3(null, "us-east-1", "files", null, null, false, Duration.ofDays(8)))
                .hasMessageContaining("medmsg.storage.s3.download-ttl");
    }

    @Test
    void theServiceRefusesToStartWithAnIncompleteS3Configuration() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(MedMsgApplication.class).run(
                "--medmsg.data-dir=" + dataDir, "--server.port=0", "--medmsg.storage.type=s3",
                "--medmsg.storage.s3.region=us-east-1"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.storage.s3.bucket")
                        .contains("MEDMSG_STORAGE_S3_BUCKET"));
    }

    @Test
    void theUrlSecretIsGeneratedOncePrivateAndKeptAcrossRestarts() throws Exception {
        String[] args = {"--medmsg.data-dir=" + dataDir, "--server.port=0"};
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MedMsgApplication.class).run(args)) {
            assertThat(context.isRunning()).isTrue();
        }
        Path secret = dataDir.resolve("url-secret");
        String first = Files.readString(secret);
        assertThat(first.length()).isGreaterThanOrEqualTo(32);
        assertThat(Files.getPosixFilePermissions(secret))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MedMsgApplication.class).run(args)) {
            assertThat(Files.readString(secret)).isEqualTo(first);
        }
    }

    private static Throwable root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
