package io.medmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.RedisServer;
import io.medmsg.support.SendStorm;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;

/**
 * Two instances of the packaged service on PostgreSQL with notify=redis, on a Redis server of the
 * test's own (the shared one on 6379 is never stopped), which is killed under load and started
 * again. Senders on both instances go on throughout; a patient's long-poll held on A is answered
 * when the doctor writes through B before, during (the instances then answer from the database,
 * waking held requests every second) and after the outage, and both instances say they listen
 * again once Redis is back. At the end lost = 0, dup = 0, no seq gaps; nothing was restarted but
 * Redis.
 */
class RedisOutageIT {

    private static final String DOCTOR = "d1001";
    // well inside the poll's 20 s wait; 2.96 s was seen before the outage on a machine loaded by four builds
    private static final Duration WAKE_WITHIN = Duration.ofSeconds(5);

    @Test
    void sendsGoOnAndHeldPollsWakeBeforeDuringAndAfterARedisOutage(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        TestDatabase.Fresh db = TestDatabase.createOnServer(TestDatabase.Kind.POSTGRES);
        try (RedisServer redis = RedisServer.start()) {
            List<String> args = Faults.instanceArgs(db, "--medmsg.notify.type=redis", "--spring.data.redis.url=" + redis.url(),
                    "--medmsg.notify.channel=redis_outage_" + Long.toString(System.nanoTime(), 36));
            try (ChildService a = Faults.start(dir.resolve("a"), args); ChildService b = Faults.start(dir.resolve("b"), args);
                    SendStorm storm = SendStorm.start(() -> List.of(a.api(), b.api()), DOCTOR, 4, "redis")) {
                String patient = Tokens.patient("redis-quiet-patient");
                String sessionId = new Chat(a.api()).open(patient, DOCTOR);
                long[] lastSeq = {1};
                storm.awaitMoreAcked(50, Duration.ofSeconds(60));
                assertWakes(a, b, patient, sessionId, lastSeq, "before the outage");

                redis.stop();
                Faults.awaitLog(a, "Lost the Redis channel", Duration.ofSeconds(10));
                Faults.awaitLog(b, "Lost the Redis channel", Duration.ofSeconds(10));
                storm.awaitMoreAcked(50, Duration.ofSeconds(30));
                assertWakes(a, b, patient, sessionId, lastSeq, "during the outage");

                redis.startAgain();
                Faults.awaitLog(a, "Listening again on the Redis channel", Duration.ofSeconds(30));
                Faults.awaitLog(b, "Listening again on the Redis channel", Duration.ofSeconds(30));
                assertWakes(a, b, patient, sessionId, lastSeq, "after the outage");
                storm.awaitMoreAcked(50, Duration.ofSeconds(30));
                Faults.say("Redis down and back under two instances: %s", storm.stopAndCheck(a.api()));
            }
        }
    }

    /** A long-poll held on A is answered, with the message, soon after the doctor writes it through B. */
    private static void assertWakes(ChildService a, ChildService b, String patient, String sessionId, long[] lastSeq,
            String when) throws Exception {
        CompletableFuture<Reply> held = CompletableFuture.supplyAsync(() -> new Chat(a.api()).get(Chat.P, "new_msg", patient,
                "session_id=" + sessionId + "&after_seq=" + lastSeq[0] + "&wait=20"));
        // held on A before the message is written: a second is plenty on an instance that is up
        Thread.sleep(1_000);
        assertThat(held).as("nothing to answer yet " + when).isNotDone();
        long sent = System.nanoTime();
        Reply r = new Chat(b.api()).doctorSends(Tokens.doctor(DOCTOR), sessionId, when);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Reply woken = held.get(20, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        assertThat(Chat.texts(woken.data().get("list"))).as("the held poll's answer " + when).containsExactly(when);
        assertThat(took).as("woken " + when).isLessThan(WAKE_WITHIN);
        lastSeq[0] = r.data().get("message").get("seq").asLong();
        Faults.say("held poll on A woken %.2f s after a send through B, %s", took.toMillis() / 1000.0, when);
    }
}
