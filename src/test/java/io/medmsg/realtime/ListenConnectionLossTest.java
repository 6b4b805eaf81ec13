package io.medmsg.realtime;

import static io.medmsg.support.TwoInstances.awaitHeld;
import static io.medmsg.support.TwoInstances.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;
import io.medmsg.support.TwoInstances;

/**
 * The connection an instance listens on for other instances' commits (PostgreSQL LISTEN, or a
 * Redis subscription) is cut from the server side: it is replaced, and nothing committed
 * meanwhile stays hidden.
 */
@Tag("server-db")
@TestDatabase.NeedsRedis
@ExtendWith({TestDatabase.Reachable.class, TwoInstances.Resolver.class})
class ListenConnectionLossTest {

    private static TwoInstances both;
    private static Instance a;
    private static Instance b;

    @BeforeAll
    static void start(TwoInstances instances) {
        both = instances;
        a = instances.a;
        b = instances.b;
    }

    @Test
    void aLostListenConnectionIsReplacedAndNothingIsMissedMeanwhile() throws Exception {
        Chat chatA = a.chat();
        String doctorId = chatA.newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient("p" + Long.toString(System.nanoTime(), 36));
        String sessionId = chatA.open(patient, doctorId);
        chatA.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1");
        assertThat(killListeners()).as("listen connections killed").isPositive();
        // whatever A heard or missed meanwhile, a message through B is never hidden from A
        b.chat().doctorSends(doctor, sessionId, "during the outage");
        awaitTrue(() -> chatA.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1").data()
                .get("list").size() == 1, "A shows B's message sent while its listener was down");
        awaitTrue(() -> a.bean(ChangeRelay.class).connected() && b.bean(ChangeRelay.class).connected(),
                "both instances listen again");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> chatA.get(Chat.P, "new_msg", patient,
                    "session_id=" + sessionId + "&after_seq=2&wait=20"));
            awaitHeld(a, ChangeHub.sessionKey(sessionId));
            long sent = System.nanoTime();
            b.chat().doctorSends(doctor, sessionId, "after the outage");
            assertThat(Chat.texts(held.get(20, TimeUnit.SECONDS).data().get("list"))).containsExactly("after the outage");
            assertThat((System.nanoTime() - sent) / 1_000_000).isLessThan(3_000);
        }
    }

    /** Ends the listening connections of this run's instances from the server side; returns how many. */
    private static int killListeners() throws Exception {
        if (both.notify.equals("postgres")) {
            try (Connection c = both.db.connect(); Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE datname = current_database() AND application_name = 'medmsg-listen'")) {
                rs.next();
                return rs.getInt(1);
            }
        }
        RedisClient client = RedisClient.create(TestDatabase.redisUrl());
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            int killed = 0;
            for (String line : redis.sync().clientList().split("\n")) {
                if (line.contains(" name=medmsg-listen-" + both.channel + " ")) {
                    String id = line.replaceAll("^id=(\\d+) .*$", "$1").strip();
                    redis.sync().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
                    killed++;
                }
            }
            return killed;
        } finally {
            client.shutdown();
        }
    }
}
