package io.medmsg.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.medmsg.MedMsgApplication;

/** What an operator sees when the configuration cannot work: a refusal that names the setting. */
class StartupTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start(String profile, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--medmsg.data-dir=" + dataDir;
        all[1] = "--server.port=0";
        System.arraycopy(args, 0, all, 2, args.length);
        SpringApplicationBuilder builder = new SpringApplicationBuilder(MedMsgApplication.class);
        if (profile != null) {
            builder.profiles(profile);
        }
        return builder.run(all);
    }

    private static int demoTokenStatus(ConfigurableApplicationContext context) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/demo/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"admin\",\"user_id\":\"a1\"}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static int doctorCount(ConfigurableApplicationContext context) {
        return JdbcClient.create(context.getBean(DataSource.class)).sql("SELECT count(*) FROM doctors").query(Integer.class).single();
    }

    private static Throwable root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void prodRefusesDemoMode() {
        assertThatThrownBy(() -> start("prod", "--medmsg.demo.enabled=true", "--medmsg.auth.hs256-secret=" + "s".repeat(32)))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.demo.enabled=false"));
    }

    @Test
    void prodRefusesToRunWithoutAVerifier() {
        assertThatThrownBy(() -> start("prod"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.auth.hs256-secret")
                        .contains("MEDMSG_AUTH_HS256_SECRET"));
    }

    @Test
    void purgeAfterBelowThreeYearsIsRefused() {
        assertThatThrownBy(() -> start(null, "--medmsg.retention.purge-after=1000d"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.retention.purge-after")
                        .contains("at least 3 years"));
    }

    @Test
    void auditRetentionBelowThreeYearsIsRefused() {
        assertThatThrownBy(() -> start(null, "--medmsg.retention.audit=365d"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.retention.audit"));
    }

    @Test
    void prodRefusesToRunWithAuditOff() {
        assertThatThrownBy(() -> start("prod", "--medmsg.audit.enabled=false", "--medmsg.auth.hs256-secret=" + "s".repeat(32)))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.audit.enabled=false"));
    }

    @Test
    void perUserCapsBelowOneAreRefused() {
        assertThatThrownBy(() -> start(null, "--medmsg.limits.streams-per-user=0"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.limits.streams-per-user"));
        assertThatThrownBy(() -> start(null, "--medmsg.limits.held-polls-per-user=-1"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.limits.held-polls-per-user"));
    }

    @Test
    void partFilesLeftByACrashedUploadAreRemovedAtStartUp() throws Exception {
        Path incoming = Files.createDirectories(dataDir.resolve("files").resolve(".incoming"));
        Path crashed = Files.writeString(incoming.resolve("upload-1.part"), "the first half of a picture");
        Files.setLastModifiedTime(crashed, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
        try (ConfigurableApplicationContext context = start(null)) {
            assertThat(crashed).doesNotExist();
            assertThat(incoming).isDirectory();
        }
    }

    @Test
    void prodRefusesCorsForAnyOrigin() {
        assertThatThrownBy(() -> start("prod", "--medmsg.cors.allowed-origins=https://h5.example.org,*",
                "--medmsg.auth.hs256-secret=" + "s".repeat(32)))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.cors.allowed-origins=*"));
    }

    @Test
    void aCorsOriginWithAPathIsRefused() {
        assertThatThrownBy(() -> start(null, "--medmsg.cors.allowed-origins=https://h5.example.org/app/"))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("medmsg.cors.allowed-origins")
                        .contains("https://h5.example.org/app/"));
    }

    @Test
    void prodStartsWithAVerifierAndWithoutDemo() throws Exception {
        try (ConfigurableApplicationContext context = start("prod", "--medmsg.auth.hs256-secret=" + "s".repeat(32))) {
            // the demo beans exist (AOT fixes beans at build time), demo mode is decided at run time
            assertThat(demoTokenStatus(context)).isEqualTo(404);
            assertThat(doctorCount(context)).isZero();
        }
    }

    @Test
    void generatedSecretIsPrivateAndKeptAcrossRestarts() throws Exception {
        try (ConfigurableApplicationContext context = start(null)) {
            assertThat(context.isRunning()).isTrue();
        }
        Path secret = dataDir.resolve("jwt-secret");
        String first = Files.readString(secret);
        assertThat(first.getBytes(StandardCharsets.UTF_8).length).isGreaterThanOrEqualTo(32);
        assertThat(Files.getPosixFilePermissions(secret))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (ConfigurableApplicationContext context = start(null)) {
            assertThat(Files.readString(secret)).isEqualTo(first);
        }
    }

    @Test
    void secondProcessOnTheSameDataDirIsRefused() throws Exception {
        try (ConfigurableApplicationContext running = start(null)) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process second = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                    MedMsgApplication.class.getName(), "--medmsg.data-dir=" + dataDir, "--server.port=0"))
                    .redirectErrorStream(true).start();
            String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isNotZero();
            assertThat(output).contains("Another MedMsg process is already using the data directory");
        }
    }
}
