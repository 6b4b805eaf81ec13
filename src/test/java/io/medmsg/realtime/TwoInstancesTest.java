package io.medmsg.realtime;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.db.StatementCounter;
import io.medmsg.shared.Side;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Concurrently;
import io.medmsg.support.Instance;
import io.medmsg.support.SseClient;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * Two instances, A and B, on one database, as behind a load balancer: PostgreSQL with
 * {@code medmsg.notify.type=postgres}, MariaDB with {@code medmsg.notify.type=redis}. What a client
 * sees through A must not depend on which instance the other party's request went to.
 */
@Tag("server-db")
@TestDatabase.NeedsRedis
@ExtendWith(TestDatabase.Reachable.class)
class TwoInstancesTest {

    // pub/sub channels are global to a Redis server: each run gets its own
    private static final String CHANNEL = "medmsg_t_" + Long.toString(System.nanoTime(), 36);
    private static TestDatabase.Fresh db;
    private static String notify;
    private static Instance a;
    private static Instance b;

    @BeforeAll
    static void start() {
        TestDatabase.Kind kind = TestDatabase.kind();
        assertThat(kind).as("two instances need a server database: -Dmedmsg.test.db=postgres or mariadb")
                .isNotEqualTo(TestDatabase.Kind.SQLITE);
        notify = kind == TestDatabase.Kind.POSTGRES ? "postgres" : "redis";
        db = TestDatabase.create(kind);
        a = startInstance();
        b = startInstance();
    }

    private static Instance startInstance() {
        List<String> args = new ArrayList<>(List.of("--medmsg.notify.type=" + notify, "--medmsg.notify.channel=" + CHANNEL,
                "--medmsg.limits.send-rate-per-second=1000000", "--medmsg.limits.send-burst=1000000"));
        if (notify.equals("redis")) {
            args.add("--spring.data.redis.url=" + TestDatabase.redisUrl());
        }
        return Instance.start(db, args.toArray(String[]::new));
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

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void aHeldNewMsgOnAWakesWhenTheDoctorAnswersThroughB() throws Exception {
        Chat chatA = a.chat();
        String doctorId = chatA.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        String sessionId = chatA.open(patient, doctorId);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> chatA.get(Chat.P, "new_msg", patient,
                    "session_id=" + sessionId + "&after_seq=1&wait=20"));
            awaitHeld(a, ChangeHub.sessionKey(sessionId));
            long sent = System.nanoTime();
            assertThat(b.chat().doctorSends(Tokens.doctor(doctorId), sessionId, "answer through B").status()).isEqualTo(200);
            Reply r = held.get(20, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertThat(Chat.texts(r.data().get("list"))).containsExactly("answer through B");
            assertThat(millis).as("woken by the notification, not by the end of the wait").isLessThan(3_000);
        }
    }

    @Test
    void aHeldNewSessionOnAWakesWhenAPatientWritesThroughB() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String cursor = a.chat().get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> a.chat().get(Chat.D, "new_session", doctor, "wait=20&cursor=" + cursor));
            awaitHeld(a, ChangeHub.userKey(Side.DOCTOR, doctorId));
            long sent = System.nanoTime();
            String sessionId = b.chat().open(Tokens.patient(unique("p")), doctorId);
            Reply r = held.get(20, TimeUnit.SECONDS);
            assertThat(Chat.sessionIds(r.data().get("list"))).containsExactly(sessionId);
            assertThat((System.nanoTime() - sent) / 1_000_000).isLessThan(3_000);
        }
    }

    @Test
    void anEventStreamOnAReceivesAMessageSentThroughB() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
        String sessionId = b.chat().open(patient, doctorId);
        try (SseClient events = new SseClient(a.api(), Chat.D + "events", doctor, null)) {
            awaitHeld(a, ChangeHub.userKey(Side.DOCTOR, doctorId));
            b.chat().patientSends(patient, doctorId, "头痛三天了");
            SseClient.Event e = events.next(10);
            assertThat(e).as("an event within 10 s").isNotNull();
            assertThat(e.name()).isEqualTo("message");
            assertThat(e.json().get("session_id").asString()).isEqualTo(sessionId);
            assertThat(e.json().get("message").get("text").asString()).isEqualTo("头痛三天了");
            assertThat(e.json().get("message").get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void idlePollsOnAStayOffTheDatabaseYetSeeWhatBCommitted() throws Exception {
        Chat chatA = a.chat();
        String doctorId = chatA.newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
        String sessionId = chatA.open(patient, doctorId);
        String cursor = chatA.get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        // the first polls teach A the marks
        chatA.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1");
        chatA.get(Chat.D, "new_session", doctor, "cursor=" + cursor);
        assertThat(quietPolls(chatA, patient, doctor, sessionId, 1, cursor)).as("idle polls on A sent no statement").isTrue();

        assertThat(b.chat().doctorSends(doctor, sessionId, "news through B").status()).isEqualTo(200);
        awaitTrue(() -> hub(a).mark(ChangeHub.sessionKey(sessionId)) >= 2, "A heard of B's message");
        assertThat(Chat.texts(chatA.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1")
                .data().get("list"))).containsExactly("news through B");
        JsonNode changes = chatA.get(Chat.D, "new_session", doctor, "cursor=" + cursor).data();
        assertThat(Chat.sessionIds(changes.get("list"))).containsExactly(sessionId);

        // and from the new position, A again says "nothing new" without asking the database
        String next = changes.get("cursor").asString();
        chatA.get(Chat.D, "new_session", doctor, "cursor=" + next);
        assertThat(quietPolls(chatA, patient, doctor, sessionId, 2, next)).as("idle polls on A after B's send").isTrue();
    }

    /** Twenty idle polls (new_msg and new_session) on one instance; whether none reached the database. */
    private static boolean quietPolls(Chat chat, String patient, String doctor, String sessionId, long afterSeq,
            String cursor) {
        StatementCounter statements = a.bean(StatementCounter.class);
        // a scheduled job may touch the database at any moment; one quiet round proves the path
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = statements.count();
            for (int i = 0; i < 10; i++) {
                Reply msgs = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=" + afterSeq);
                assertThat(msgs.data().get("list").size()).isZero();
                Reply sessions = chat.get(Chat.D, "new_session", doctor, "cursor=" + cursor);
                assertThat(sessions.data().get("list").size()).isZero();
            }
            if (statements.count() == before) {
                return true;
            }
        }
        return false;
    }

    @Test
    void seqHasNoGapsWhenBothInstancesAppendToOneSession() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        String doctor = Tokens.doctor(doctorId);
        String sessionId = a.chat().open(patient, doctorId);
        int threads = 16;
        int perThread = 20;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                String cmid = "t" + thread + "-" + i;
                // each thread alternates instances; the resend goes to the other one
                Chat first = (thread + i) % 2 == 0 ? a.chat() : b.chat();
                Chat other = (thread + i) % 2 == 0 ? b.chat() : a.chat();
                Reply r = thread % 2 == 0 ? first.patientSends(patient, doctorId, cmid, cmid)
                        : first.doctorSends(doctor, sessionId, cmid, cmid);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                acknowledged.add(cmid);
                if (i % 2 == 0) {
                    Reply again = thread % 2 == 0 ? other.patientSends(patient, doctorId, cmid, cmid)
                            : other.doctorSends(doctor, sessionId, cmid, cmid);
                    assertThat(again.data().get("message").get("msg_id").asString())
                            .isEqualTo(r.data().get("message").get("msg_id").asString());
                }
            }
        });
        int total = 1 + threads * perThread;
        List<JsonNode> all = b.chat().allMessages(doctor, sessionId);
        Chat.assertContiguousEachClientMsgIdOnce(all, total, acknowledged);
    }

    @Test
    void tenSimultaneousFirstMessagesThroughBothInstancesOpenOneSession() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        Set<String> sessions = ConcurrentHashMap.newKeySet();
        Concurrently.run(10, n -> {
            Reply r = (n % 2 == 0 ? a : b).chat().patientSends(patient, doctorId, "first " + n);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            sessions.add(r.data().get("session_id").asString());
        });
        assertThat(sessions).hasSize(1);
        for (Instance instance : List.of(a, b)) {
            JsonNode list = instance.chat().get(Chat.P, "session_list", patient, "").data().get("list");
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.get(0).get("last_seq").asLong()).isEqualTo(10);
        }
    }

    @Test
    void followingNewSessionCursorsAcrossInstancesNeverMissesAChange() throws Exception {
        for (int round = 0; round < 3; round++) {
            String docId = a.chat().newDoctor(unique("busy"), true);
            String doc = Tokens.doctor(docId);
            String cursor = a.chat().get(Chat.D, "new_session", doc, "").data().get("cursor").asString();
            int senders = 16;
            int perSender = 5;
            Map<String, Long> seen = new HashMap<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
                List<Future<?>> futures = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    String patient = Tokens.patient(unique("p" + s));
                    int sender = s;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < perSender; i++) {
                            Chat via = (sender + i) % 2 == 0 ? a.chat() : b.chat();
                            assertThat(via.patientSends(patient, docId, "m" + i).status()).isEqualTo(200);
                        }
                        return null;
                    }));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int poll = 0;
                while (!(seen.size() == senders && seen.values().stream().allMatch(v -> v == perSender))
                        && System.nanoTime() < deadline) {
                    // the follower, too, is sent to either instance
                    Chat via = poll++ % 2 == 0 ? a.chat() : b.chat();
                    JsonNode page = via.get(Chat.D, "new_session", doc, "wait=2&cursor=" + cursor).data();
                    page.get("list").forEach(s -> seen.merge(s.get("session_id").asString(), s.get("last_seq").asLong(),
                            Math::max));
                    cursor = page.get("cursor").asString();
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            assertThat(seen).as("round " + round).hasSize(senders);
            assertThat(seen.values()).as("round " + round).allMatch(v -> v == perSender);
        }
    }

    /**
     * Each instance group-commits its sends in batches, and a batch locks the counters of its
     * sends in its own order: patients writing to two doctors through both instances would
     * deadlock two batches, were it not for a batch's lock waits failing fast.
     */
    @Test
    void batchesOfBothInstancesNeverDeadlock() throws Exception {
        String d1 = a.chat().newDoctor(unique("d1-"), true);
        String d2 = a.chat().newDoctor(unique("d2-"), true);
        long deadlocksBefore = deadlocks();
        int threads = 48;
        Concurrently.run(threads, thread -> {
            String patient = Tokens.patient(unique("p" + thread + "-"));
            for (int i = 0; i < 10; i++) {
                Chat via = (thread + i) % 2 == 0 ? a.chat() : b.chat();
                Reply r = via.patientSends(patient, (thread + i / 2) % 2 == 0 ? d1 : d2, "m" + i);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
            }
        });
        long total = 0;
        for (String d : List.of(d1, d2)) {
            JsonNode list = a.chat().get(Chat.D, "session_list", Tokens.doctor(d), "limit=100").data().get("list");
            for (JsonNode s : list) {
                total += s.get("last_seq").asLong();
            }
        }
        assertThat(total).isEqualTo(threads * 10L);
        assertThat(deadlocks() - deadlocksBefore).as("deadlocks detected by the database").isZero();
    }

    /**
     * The deadlocks the database has detected: PostgreSQL's count for this database (statistics
     * are flushed within a second or so), InnoDB's for the whole server.
     */
    private static long deadlocks() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            if (!notify.equals("postgres")) {
                try (var rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")) {
                    rs.next();
                    return rs.getLong(2);
                }
            }
            Thread.sleep(1_500);
            st.execute("SELECT pg_stat_clear_snapshot()");
            try (var rs = st.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aResendThroughTheOtherInstanceGetsTheOriginal() {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        Reply first = a.chat().patientSends(patient, doctorId, "hello", "cm-1");
        Reply again = b.chat().patientSends(patient, doctorId, "hello", "cm-1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("message").get("msg_id").asString())
                .isEqualTo(first.data().get("message").get("msg_id").asString());
        assertThat(again.data().get("message").get("seq").asLong()).isEqualTo(1);
        Reply different = b.chat().patientSends(patient, doctorId, "something else", "cm-1");
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.code()).isEqualTo(40901);
    }

    @Test
    void aNewInstanceAnswersCorrectlyAtOnce() throws Exception {
        String doctorId = a.chat().newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
        String sessionId = a.chat().open(patient, doctorId);
        String cursor = b.chat().get(Chat.D, "new_session", doctor, "").data().get("cursor").asString();
        b.chat().doctorSends(doctor, sessionId, "from B");
        a.chat().post(Chat.P, "mark_read", patient, body("session_id", sessionId, "seq", 2));
        try (Instance c = startInstance()) {
            Chat chatC = c.chat();
            assertThat(Chat.texts(chatC.get(Chat.P, "new_msg", patient, "session_id=" + sessionId).data().get("list")))
                    .containsExactly("您好，我想咨询一下", "from B");
            JsonNode changes = chatC.get(Chat.D, "new_session", doctor, "cursor=" + cursor).data();
            assertThat(Chat.sessionIds(changes.get("list"))).containsExactly(sessionId);
            assertThat(changes.get("list").get(0).get("peer_read_seq").asLong()).isEqualTo(2);
            assertThat(chatC.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=2").data()
                    .get("list").size()).isZero();
            // and C hears of what A commits from now on
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Reply> held = pool.submit(() -> chatC.get(Chat.P, "new_msg", patient,
                        "session_id=" + sessionId + "&after_seq=2&wait=20"));
                awaitHeld(c, ChangeHub.sessionKey(sessionId));
                a.chat().doctorSends(doctor, sessionId, "from A");
                assertThat(Chat.texts(held.get(20, TimeUnit.SECONDS).data().get("list"))).containsExactly("from A");
            }
        }
    }

    @Test
    void aLostListenConnectionIsReplacedAndNothingIsMissedMeanwhile() throws Exception {
        Chat chatA = a.chat();
        String doctorId = chatA.newDoctor(unique("doc"), true);
        String doctor = Tokens.doctor(doctorId);
        String patient = Tokens.patient(unique("p"));
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

    /** Ends the listening connections of this test's instances from the server side; returns how many. */
    private static int killListeners() throws Exception {
        if (notify.equals("postgres")) {
            try (Connection c = db.connect(); Statement st = c.createStatement();
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
                if (line.contains(" name=medmsg-listen-" + CHANNEL + " ")) {
                    String id = line.replaceAll("^id=(\\d+) .*$", "$1").strip();
                    redis.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id)));
                    killed++;
                }
            }
            return killed;
        } finally {
            client.shutdown();
        }
    }

    private static ChangeHub hub(Instance instance) {
        return instance.bean(ChangeHub.class);
    }

    private static void awaitHeld(Instance instance, String key) throws InterruptedException {
        awaitTrue(() -> hub(instance).waiting(key) > 0, "a request held on " + key);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
