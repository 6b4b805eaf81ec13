package io.medmsg;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ChildService;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * The container image that the build leaves in {@code target/jib-image.tar} (Jib, from an empty
 * base, no Docker daemon; docs/deploy.md): its configuration, read from the tar, is what the docs
 * promise; and its file system, unpacked layer by layer as a container runtime would, started with
 * the image's own entrypoint, environment and user (in a chroot: this machine has no container
 * engine, and the build runs as root), answers readiness and a send, writing as nonroot into the
 * data volume.
 */
class ImageIT {

    static final Path TAR = Path.of("target/jib-image.tar");
    static final String NONROOT = "65532";

    @TempDir
    static Path work;
    static JsonNode config;
    static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(TAR).as("the image tar (built in the package phase; -Djib.skip leaves it out)").exists();
        Path image = Files.createDirectories(work.resolve("image"));
        run("tar", "-xf", TAR.toAbsolutePath().toString(), "-C", image.toString());
        JsonNode manifest = Api.JSON.readTree(Files.readString(image.resolve("manifest.json"))).get(0);
        config = Api.JSON.readTree(Files.readString(image.resolve(manifest.get("Config").asString())));
        root = Files.createDirectories(work.resolve("rootfs"));
        for (JsonNode layer : manifest.get("Layers")) {
            run("tar", "--numeric-owner", "-xzf", image.resolve(layer.asString()).toString(), "-C", root.toString());
        }
    }

    @Test
    void theConfigurationRunsJavaAsNonrootWithTheDataDirAVolumeAndItsProbesLabelled() {
        JsonNode c = config.get("config");
        assertThat(c.get("User").asString()).isEqualTo(NONROOT + ":" + NONROOT);
        assertThat(names(c.get("ExposedPorts"))).containsExactly("8080/tcp");
        assertThat(names(c.get("Volumes"))).containsExactly("/var/lib/medmsg");
        assertThat(strings(c.get("Env"))).contains("MEDMSG_DATA_DIR=/var/lib/medmsg", "PATH=/opt/java/bin",
                "JAVA_HOME=/opt/java");
        List<String> entrypoint = strings(c.get("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint).contains("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:NewRatio=6",
                "-XX:-TieredCompilation", "--enable-native-access=ALL-UNNAMED", "-Dspring.aot.enabled=true");
        if (Runtime.version().feature() >= 25) {
            // the image's runtime is this build's JDK (jlink), which takes the recommended options
            assertThat(entrypoint).contains("-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=1000");
        }
        assertThat(entrypoint.getLast()).isEqualTo("io.medmsg.MedMsgApplication");
        JsonNode labels = c.get("Labels");
        assertThat(labels.get("io.medmsg.health.liveness").asString()).isEqualTo("/actuator/health/liveness");
        assertThat(labels.get("io.medmsg.health.readiness").asString()).isEqualTo("/actuator/health/readiness");
        assertThat(labels.get("org.opencontainers.image.title").asString()).isEqualTo("MedMsg");
        assertThat(labels.get("org.opencontainers.image.version").asString()).isNotBlank();
    }

    @Test
    void theFileSystemHasTheRuntimeTheUserAndAWritableDataDir() throws IOException {
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
        assertThat(Files.getPosixFilePermissions(root.resolve("opt/java/bin/java"))).contains(PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.getPosixFilePermissions(root.resolve("var/lib/medmsg"))).contains(PosixFilePermission.OTHERS_WRITE);
        assertThat(Files.getPosixFilePermissions(root.resolve("tmp"))).contains(PosixFilePermission.OTHERS_WRITE);
        // no JDK tools beyond the runtime's own: the image carries what the service runs, not a compiler
        assertThat(root.resolve("opt/java/bin/javac")).doesNotExist();
    }

    @Test
    void itsEntrypointStartsTheServiceAsNonrootWhichAnswersReadinessAndASendWithoutJdkWarnings() throws Exception {
        assertThat(System.getProperty("user.name")).as("chroot needs root, as the build has on CI").isEqualTo("root");
        // what a container runtime provides: /proc (the loader finds libjli.so through $ORIGIN, which
        // it reads from /proc/self/exe), /dev (urandom, null) and the name resolution files
        Files.copy(Path.of("/etc/hosts"), root.resolve("etc/hosts"));
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        run("mount", "-t", "proc", "proc", root.resolve("proc").toString());
        try {
            run("mount", "--rbind", "/dev", root.resolve("dev").toString());
            try {
                startTheImage();
            } finally {
                run("umount", "-l", root.resolve("dev").toString());
            }
        } finally {
            run("umount", "-l", root.resolve("proc").toString());
        }
    }

    private void startTheImage() throws Exception {
        int port = ChildService.freePort();
        List<String> command = new ArrayList<>(List.of("/usr/sbin/chroot", "--userspec=" + NONROOT + ":" + NONROOT,
                root.toString()));
        command.addAll(strings(config.at("/config/Entrypoint")));
        command.addAll(List.of("--server.port=" + port, "--medmsg.auth.hs256-secret=" + Tokens.SECRET));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.clear();
        for (String e : strings(config.at("/config/Env"))) {
            env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        try (ChildService service = ChildService.launch(builder, port, work.resolve("service.log"))) {
            Api api = service.api();
            assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
            assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
            Reply sent = api.post("/msg_service/msg/patient/send_text_msg", Tokens.patient("image-p1"),
                    body("doctor_id", "d1001", "text", "from the image"));
            assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
            Path db = root.resolve("var/lib/medmsg/medmsg.db");
            assertThat(db).exists();
            assertThat(Files.getAttribute(db, "unix:uid")).as("owner of the database file").isEqualTo(65532);
        }
        String log = Files.readString(work.resolve("service.log"));
        assertThat(log).contains("Starting AOT-processed MedMsgApplication").contains("Started MedMsgApplication");
        assertThat(log.lines().filter(l -> l.startsWith("WARNING"))).as("JDK warnings in\n%s", log).isEmpty();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    }
}
