package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;

/**
 * With Redis configured, the send rate limit (10/s, burst 20) holds per sender across instances:
 * a burst split between A and B is limited as one, where two local buckets would let 40 through.
 */
@Tag("server-db")
@TestDatabase.NeedsRedis
@ExtendWith(TestDatabase.Reachable.class)
class SharedRateLimitTest {

    private static Instance a;
    private static Instance b;

    @BeforeAll
    static void start() {
        TestDatabase.Fresh db = TestDatabase.create(TestDatabase.kind());
        String[] args = {"--spring.data.redis.url=" + TestDatabase.redisUrl(), "--medmsg.limits.send-rate-per-second=10",
            "--medmsg.limits.send-burst=20"};
        a = Instance.start(db, args);
        b = Instance.start(db, args);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aBurstSplitAcrossTwoInstancesIsLimitedAsOne() {
        String doctorId = a.chat().newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);
        String patient = Tokens.patient("p" + Long.toString(System.nanoTime(), 36));
        int accepted = 0;
        Reply limited = null;
        long start = System.nanoTime();
        for (int i = 0; i < 200 && limited == null; i++) {
            Reply r = (i % 2 == 0 ? a : b).chat().patientSends(patient, doctorId, "m" + i);
            if (r.status() == 200) {
                accepted++;
            } else {
                limited = r;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(limited).as("a 429 before 200 sends").isNotNull();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo(42901);
        assertThat(limited.msg()).isEqualTo("too many messages: at most 10 per second, 20 at once");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
        // one bucket of 20, plus what refilled at 10/s meanwhile; two buckets would have taken 40
        assertThat(accepted).isBetween(20, 20 + (int) Math.ceil(10 * seconds));
    }

    @Test
    void eachSenderHasItsOwnSharedBucket() {
        String doctorId = a.chat().newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);
        String greedy = Tokens.patient("greedy" + Long.toString(System.nanoTime(), 36));
        // send until the shared bucket refuses; a fixed count would race the 10/s refill on a slow machine
        int status = 200;
        for (int i = 0; i < 200 && status == 200; i++) {
            status = (i % 2 == 0 ? a : b).chat().patientSends(greedy, doctorId, "m" + i).status();
        }
        assertThat(status).as("the greedy sender is limited").isEqualTo(429);
        String calm = Tokens.patient("calm" + Long.toString(System.nanoTime(), 36));
        assertThat(b.chat().patientSends(calm, doctorId, "hello").status()).isEqualTo(200);
        assertThat(a.chat().patientSends(calm, doctorId, "hello again").status()).isEqualTo(200);
    }
}
