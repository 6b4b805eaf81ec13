package io.medmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ChildService;
import io.medmsg.support.SendStorm;
import io.medmsg.support.TcpProxy;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;

/**
 * The database goes away under load and comes back ({@link Faults#outages} times, 3 by default),
 * under two instances of the packaged service with senders on both. The outage is what a server
 * restart does to the instances' database, and only to it: the server ends their sessions
 * (PostgreSQL: {@code pg_terminate_backend}, the 57P01 a restart sends; MariaDB: {@code KILL
 * CONNECTION}), and a {@link TcpProxy} between the instances and the server takes no connection
 * for 7 s, longer than the 5 s connection wait. A restart of the server itself
 * ({@code pg_ctlcluster … restart}) would also break the tests that other runs on the same
 * machine have on it. Meanwhile sends are answered 503/50301, never 500 (the senders repeat them
 * with their client_msg_id), readiness is DOWN, liveness UP, and /actuator/prometheus answers
 * within 3 s; afterwards both instances are ready again by themselves (nobody restarts them),
 * lost = 0, dup = 0, no seq gaps, and the metrics an operator watches show the outage. PostgreSQL with notify=postgres (its LISTEN connection goes
 * through the proxy too), MariaDB with notify=redis (the shared Redis, which stays up).
 */
class DatabaseOutageIT {

    private static final String DOCTOR = "d1001";
    private static final Duration OUTAGE = Duration.ofSeconds(7);
    private static final Duration SCRAPE_WITHIN = Duration.ofSeconds(3);
    /** /actuator/prometheus takes an admin token. */
    private static final String OPS = Tokens.admin("faults-ops");

    @ParameterizedTest
    @EnumSource(value = TestDatabase.Kind.class, names = {"POSTGRES", "MARIADB"})
    void twoInstancesRecoverByThemselvesAndLoseNothingWhenTheDatabaseGoesAwayUnderLoad(TestDatabase.Kind kind,
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        TestDatabase.Fresh db = TestDatabase.createOnServer(kind);
        if (kind == TestDatabase.Kind.MARIADB) {
            Faults.requireRedis();
        }
        String channel = "outage_" + Long.toString(System.nanoTime(), 36);
        List<String> notify = kind == TestDatabase.Kind.POSTGRES
                ? List.of("--medmsg.notify.type=postgres", "--medmsg.notify.channel=" + channel)
                : List.of("--medmsg.notify.type=redis", "--medmsg.notify.channel=" + channel,
                        "--spring.data.redis.url=" + TestDatabase.redisUrl());
        try (TcpProxy proxy = db.proxy()) {
            List<String> args = Faults.instanceArgs(db.throughProxy(proxy), notify.toArray(String[]::new));
            try (ChildService a = Faults.start(dir.resolve("a"), args); ChildService b = Faults.start(dir.resolve("b"), args);
                    SendStorm storm = SendStorm.start(() -> List.of(a.api(), b.api()), DOCTOR, 4, "outage")) {
                List<Duration> recoveries = new ArrayList<>();
                for (int o = 1; o <= Faults.outages(); o++) {
                    storm.awaitMoreAcked(50, Duration.ofSeconds(60));
                    int unavailableBefore = storm.unavailableAnswers();
                    long cut = System.nanoTime();
                    // as a server restart begins: the server ends every session, then takes no connection
                    Faults.say("%s outage %d: the server ended %d sessions", kind, o, endSessions(db));
                    proxy.cut();
                    Faults.awaitReadiness(a.api(), 503, OUTAGE.plusSeconds(10));
                    Faults.awaitReadiness(b.api(), 503, OUTAGE.plusSeconds(10));
                    assertThat(a.api().get("/actuator/health/liveness", null).status()).as("liveness: no restart wanted")
                            .isEqualTo(200);
                    if (o == 1) {
                        // Prometheus gives up on a scrape after 10 s by default, and with it on every
                        // metric of the instance: the outage's own among them
                        long scrape = System.nanoTime();
                        Reply scraped = a.api().get("/actuator/prometheus", OPS);
                        int status = scraped.status();
                        Duration took = Duration.ofNanos(System.nanoTime() - scrape);
                        scraped.raw().lines().filter(DatabaseOutageIT::operatorsLine)
                                .forEach(l -> Faults.say("%s metric during the outage, on A: %s", kind, l));
                        Faults.say("%s outage: /actuator/prometheus answered %d in %.1f s during the outage", kind, status,
                                took.toMillis() / 1000.0);
                        assertThat(status).as("/actuator/prometheus during the outage").isEqualTo(200);
                        assertThat(took).as("/actuator/prometheus answered during the outage within").isLessThan(SCRAPE_WITHIN);
                    }
                    Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - cut) / 1_000_000));
                    assertThat(storm.unavailableAnswers()).as("sends answered 503/50301 during the outage")
                            .isGreaterThan(unavailableBefore);
                    proxy.restore();
                    long restored = System.nanoTime();
                    Faults.awaitReadiness(a.api(), 200, Duration.ofSeconds(30));
                    Faults.awaitReadiness(b.api(), 200, Duration.ofSeconds(30));
                    storm.awaitMoreAcked(50, Duration.ofSeconds(30));
                    recoveries.add(Duration.ofNanos(System.nanoTime() - restored));
                    Faults.say("%s outage %d: %d answers 503 so far; %s", kind, o, storm.unavailableAnswers(),
                            storm.check(a.api()));
                }
                Faults.say("%s: %d outages of %s under two instances: %s; from the end of an outage to both ready "
                        + "and 50 more sends acknowledged %s", kind, Faults.outages(), OUTAGE, storm.stopAndCheck(b.api()),
                        Faults.median(recoveries));
                String metrics = a.api().get("/actuator/prometheus", OPS).raw();
                metrics.lines().filter(DatabaseOutageIT::operatorsLine)
                        .forEach(l -> Faults.say("%s metric after the outages, on A: %s", kind, l));
                assertThat(sum(metrics, "http_server_requests_seconds_count{", "status=\"503\""))
                        .as("503 answers to API requests counted in http_server_requests").isPositive();
                // the writer's own pool (pool="medmsg-for-writer") or the rest's: which one runs out
                // first depends on whether anything but a send wanted a connection during the cut
                assertThat(sum(metrics, "hikaricp_connections_timeout_total{", "pool=\"medmsg"))
                        .as("connection waits that ran out, in hikaricp_connections_timeout_total of MedMsg's pools")
                        .isPositive();
            }
        }
    }

    /** The metrics an operator watches during an outage, for the record. */
    private static boolean operatorsLine(String line) {
        return line.contains("status=\"503\"") || line.startsWith("hikaricp_connections_timeout_total")
                || line.startsWith("hikaricp_connections_pending") || line.startsWith("hikaricp_connections_active")
                || line.startsWith("medmsg_webhook_pending");
    }

    /**
     * Ends every other session on the test's database from the server side, as a restarting
     * server does (PostgreSQL: 57P01 "terminating connection due to administrator command";
     * MariaDB: the connection killed); returns how many.
     */
    private static int endSessions(TestDatabase.Fresh db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            if (db.kind() == TestDatabase.Kind.POSTGRES) {
                try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id FROM information_schema.processlist "
                    + "WHERE db = DATABASE() AND id <> CONNECTION_ID()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    st.execute("KILL CONNECTION " + id);
                } catch (java.sql.SQLException gone) {
                    // it ended meanwhile
                }
            }
            return ids.size();
        }
    }

    /** The sum of the samples of one metric family whose labels contain {@code label}, less the actuator's own. */
    private static double sum(String metrics, String prefix, String label) {
        return metrics.lines().filter(l -> l.startsWith(prefix) && l.contains(label) && !l.contains("uri=\"/actuator"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
