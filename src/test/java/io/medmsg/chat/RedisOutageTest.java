package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Instance;
import io.medmsg.support.RedisServer;
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

    private RedisServer redis;
    private Instance instance;

    @AfterEach
    void stop() throws InterruptedException {
        if (instance != null) {
            instance.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void sendsGoOnLimitedPerInstanceWhileRedisIsDownAndShareAgainWhenItIsBack() throws Exception {
        redis = RedisServer.start();
        int port = redis.port();
        instance = Instance.start(TestDatabase.create(TestDatabase.kind()), "--spring.data.redis.url=" + redis.url(),
                "--medmsg.limits.send-rate-per-second=1", "--medmsg.limits.send-burst=3");
        String doctorId = instance.chat().newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);

        String before = "before" + Long.toString(System.nanoTime(), 36);
        assertLimitedToABurstOfThree(before, doctorId);
        assertThat(sharedBucketExists(port, before)).as("the bucket is in Redis").isTrue();

        redis.stop();
        // the instance's own bucket, and no error
        assertLimitedToABurstOfThree("during" + Long.toString(System.nanoTime(), 36), doctorId);

        redis.startAgain();
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
}
