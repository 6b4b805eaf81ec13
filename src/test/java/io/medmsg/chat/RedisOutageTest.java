package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;

/**
 * The shared send rate limit while its Redis is down: sends go on, limited per instance, and the
 * shared buckets are used again once Redis is back. A Redis server of the test's own (the
 * machine's redis-server binary) is stopped and started under a running instance.
 */
@Tag("server-db")
@ExtendWith(TestDatabase.Reachable.class)
class RedisOutageTest {

    private Process redis;
    private Instance instance;

    @AfterEach
    void stop() {
        if (instance != null) {
            instance.close();
        }
        if (redis != null) {
            redis.destroyForcibly();
        }
    }

    @Test
    void sendsGoOnLimitedPerInstanceWhileRedisIsDownAndShareAgainWhenItIsBack() throws Exception {
        int port = freePort();
        redis = startRedis(port);
        instance = Instance.start(TestDatabase.create(TestDatabase.kind()), "--spring.data.redis.url=redis://127.0.0.1:" + port,
                "--medmsg.limits.send-rate-per-second=1", "--medmsg.limits.send-burst=3");
        String doctorId = instance.chat().newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);

        String before = "before" + Long.toString(System.nanoTime(), 36);
        assertLimitedToABurstOfThree(before, doctorId);
        assertThat(sharedBucketExists(port, before)).as("the bucket is in Redis").isTrue();

        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // the instance's own bucket, and no error
        assertLimitedToABurstOfThree("during" + Long.toString(System.nanoTime(), 36), doctorId);

        redis = startRedis(port);
        String after = "after" + Long.toString(System.nanoTime(), 36);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // Lettuce reconnects by itself; until it has, sends are limited locally
        while (!sharedBucketExists(port, after) && System.nanoTime() < deadline) {
            assertThat(instance.chat().patientSends(Tokens.patient(after), doctorId, "probe").status()).isIn(200, 429);
            Thread.sleep(200);
        }
        assertThat(sharedBucketExists(port, after)).as("the bucket is in Redis again").isTrue();
    }

    /** Ten quick sends: three accepted, plus what refilled at 1/s meanwhile; the rest are 429. */
    private void assertLimitedToABurstOfThree(String patientId, String doctorId) {
        String patient = Tokens.patient(patientId);
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            int status = instance.chat().patientSends(patient, doctorId, "m" + i).status();
            assertThat(status).isIn(200, 429);
            accepted += status == 200 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(accepted).isBetween(3, 3 + (int) Math.ceil(seconds));
    }

    private static boolean sharedBucketExists(int port, String sub) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("KEYS *" + sub + "*\r\n").getBytes());
            byte[] reply = new byte[4096];
            int n = socket.getInputStream().read(reply);
            return n > 0 && new String(reply, 0, n).contains(sub);
        }
    }

    private static Process startRedis(int port) throws Exception {
        Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
