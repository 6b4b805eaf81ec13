package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Instance;
import io.medmsg.support.TcpProxy;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;

/**
 * A PostgreSQL or MariaDB outage, as the network makes one: the instance reaches its database
 * through a {@link TcpProxy}, which is cut and restored under it. While cut, a send and a read are
 * answered 503/50301 with Retry-After within the connection wait (5 s by default), and readiness is
 * DOWN; once restored, readiness comes back UP by itself and the send, repeated with its
 * client_msg_id, is stored once.
 */
@Tag("server-db")
@ExtendWith(TestDatabase.Reachable.class)
class DatabaseOutageTest {

    /** The default connection wait of 5 s, and some slack for a slow machine. */
    private static final Duration ANSWERED_WITHIN = Duration.ofMillis(6_500);

    private TcpProxy proxy;
    private Instance instance;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.restore();
        }
        if (instance != null) {
            instance.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void whileTheDatabaseIsUnreachableSendsAndReadsAre503WithRetryAfterAndReadinessIsDownUntilItIsBack() throws Exception {
        instance = Instance.start(throughProxy(TestDatabase.create(TestDatabase.kind())));
        Chat chat = instance.chat();
        String doctorId = chat.newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);
        String patient = Tokens.patient("pat" + Long.toString(System.nanoTime(), 36));
        Reply first = chat.patientSends(patient, doctorId, "before the outage");
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        String sessionId = first.data().get("session_id").asString();
        assertThat(readiness()).isEqualTo(200);

        proxy.cut();
        // the first on a pooled connection that breaks, the retry on one the pool cannot make
        assertUnavailableQuickly(() -> chat.patientSends(patient, doctorId, "during the outage", "cmid-outage"));
        assertUnavailableQuickly(() -> chat.patientSends(patient, doctorId, "during the outage", "cmid-outage"));
        assertUnavailableQuickly(() -> instance.api().get(Chat.P + "msg_list?session_id=" + sessionId, patient));
        assertThat(readiness()).as("readiness while writes cannot be made durable").isEqualTo(503);
        assertThat(instance.api().get("/actuator/health", null).status()).isEqualTo(503);

        proxy.restore();
        awaitReadiness(200, Duration.ofSeconds(20));
        Reply again = chat.patientSends(patient, doctorId, "during the outage", "cmid-outage");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        Reply list = instance.api().get(Chat.P + "msg_list?session_id=" + sessionId, patient);
        assertThat(list.data().get("list").size()).as(list.raw()).isEqualTo(2);
    }

    private void assertUnavailableQuickly(java.util.function.Supplier<Reply> call) {
        long start = System.nanoTime();
        Reply reply = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo(50301);
        assertThat(reply.header("Retry-After")).as("Retry-After").isNotBlank();
        assertThat(took).as("answered within").isLessThan(ANSWERED_WITHIN);
    }

    private int readiness() {
        return instance.api().get("/actuator/health/readiness", null).status();
    }

    private void awaitReadiness(int status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (readiness() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(readiness()).as("readiness, by itself, without a write").isEqualTo(status);
    }

    /** The same database, reached through a proxy the test can cut. */
    private TestDatabase.Fresh throughProxy(TestDatabase.Fresh db) {
        proxy = db.proxy();
        return db.throughProxy(proxy);
    }
}
