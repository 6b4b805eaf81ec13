package io.medmsg.files;

import io.medmsg.support.Uploads;
import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.MedMsgApplication;
import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * A 20 MiB upload and download through an application whose heap is 64 MiB: only streaming
 * gets the bytes through. The app runs in a child JVM, so -Xmx applies to it alone.
 */
class LargeFileStreamingTest {

    private static final int SIZE = 20 * 1024 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void twentyMibUploadAndDownloadRunInASixtyFourMibHeap() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dataDir.resolve("app.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process app = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), MedMsgApplication.class.getName(),
                "--medmsg.data-dir=" + dataDir.resolve("data"), "--server.port=" + port,
                "--medmsg.auth.hs256-secret=" + Tokens.SECRET, "--medmsg.demo.enabled=false"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitReady(app, log);
            Api api = new Api(port);
            Uploads uploads = new Uploads(api);
            String token = Tokens.patient("big-uploader");
            String sha = sha256(new Generated(SIZE));

            Reply pre = uploads.preUpload("patient", token, "ultrasound.mp4", SIZE, "video/mp4", sha);
            assertThat(pre.status()).as(pre.toString()).isEqualTo(200);
            HttpResponse<String> put = Uploads.put(pre.data(),
                    HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(SIZE)), SIZE),
                    Map.of());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

            Reply ready = uploads.confirm("patient", token, pre.data().get("file_id").asString());
            assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
            JsonNode file = ready.data();
            assertThat(file.get("size").asLong()).isEqualTo(SIZE);

            HttpResponse<InputStream> download = Uploads.HTTP.send(
                    HttpRequest.newBuilder(URI.create(file.get("url").asString())).timeout(Duration.ofSeconds(120)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
            try (InputStream body = download.body()) {
                assertThat(sha256(body)).isEqualTo(sha);
            }
            assertThat(app.isAlive()).isTrue();
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private static void awaitReady(Process app, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (output.contains("MedMsg is ready")) {
                return;
            }
            if (!app.isAlive()) {
                throw new AssertionError("the app exited during start-up:\n" + output);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the app did not start within 120 s");
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The same pseudo-random "MP4" every time, produced as it is read, never held in memory. */
    static final class Generated extends InputStream {
        private static final byte[] HEADER = Samples.HEADERS.get("video/mp4");
        private final long size;
        private long position;
        private long state = 0x9E3779B97F4A7C15L;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                long at = position + i;
                state = state * 6364136223846793005L + 1442695040888963407L;
                b[off + i] = at < HEADER.length ? HEADER[(int) at] : (byte) (state >>> 56);
            }
            position += n;
            return n;
        }
    }
}
