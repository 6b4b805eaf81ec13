package io.medmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.medmsg.support.Api;
import io.medmsg.support.ChildService;
import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;

/**
 * What the fault suite's tests share: how the packaged service is started for them, how long they
 * run (the default variant is short enough for every {@code ./mvnw verify}; the {@code faults-long}
 * profile, which {@code bench/faults.sh} uses, runs longer), and what they print.
 */
final class Faults {

    /** Sends are never refused for rate: the storms send as fast as the machine lets them. */
    static final List<String> FAST = List.of("--medmsg.limits.send-rate-per-second=1000000",
            "--medmsg.limits.send-burst=1000000");

    private Faults() {
    }

    /** Kills per storm: {@code -Dmedmsg.faults.kills}, 20 by default. */
    static int kills() {
        return Integer.getInteger("medmsg.faults.kills", 20);
    }

    /** Database outages per test: {@code -Dmedmsg.faults.outages}, 3 by default. */
    static int outages() {
        return Integer.getInteger("medmsg.faults.outages", 3);
    }

    /**
     * The JVM options of the services under test: {@code -Dmedmsg.faults.jvm-options}, by default
     * the heap and collector docs/deploy.md recommends, and only the quick JIT compiler: a storm's
     * time is its restarts, and on two cores the optimising compiler's threads slowed each start
     * by a third (one start each on a machine loaded by other builds: 83 s against 63 s to healthy).
     */
    static List<String> jvmOptions() {
        String options = System.getProperty("medmsg.faults.jvm-options",
                "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").strip();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }

    /** The packaged service on that data dir with these arguments and the storms' rate limits. */
    static ChildService start(Path dataDir, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(FAST);
        all.addAll(args);
        return ChildService.start(dataDir, jvmOptions(), all.toArray(String[]::new));
    }

    /** The shared Redis ({@link TestDatabase#redisUrl}): skips without it, but fails on CI. */
    static void requireRedis() {
        TestDatabase.skipOffCi(TestDatabase.redisUnreachable());
    }

    /** The arguments of one of several instances on {@code db}, sharing wake-ups by {@code notify}. */
    static List<String> instanceArgs(TestDatabase.Fresh db, String... notify) {
        List<String> args = new ArrayList<>(db.args());
        args.add("--medmsg.storage.url-secret=" + Instance.URL_SECRET);
        args.addAll(List.of(notify));
        return args;
    }

    static int readiness(Api api) {
        try {
            return api.get("/actuator/health/readiness", null).status();
        } catch (IllegalStateException noAnswer) {
            return -1;
        }
    }

    /** Waits until readiness answers {@code status} by itself: nobody restarts anything meanwhile. */
    static void awaitReadiness(Api api, int status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (readiness(api) != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(readiness(api)).as("readiness of %s within %s, by itself", api.base(), within).isEqualTo(status);
    }

    /** Waits until the service's log has a line containing {@code text}. */
    static void awaitLog(ChildService service, String text, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!Files.readString(service.log()).contains(text)) {
            assertThat(System.nanoTime()).as("'%s' in %s within %s", text, service.log(), within).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** One line of the run's record, in the test's output file (target/failsafe-reports). */
    static void say(String format, Object... args) {
        System.out.println(Instant.now() + " faults: " + String.format(format, args));
    }

    /** The median of some durations, in seconds with one decimal, for the record. */
    static String median(List<Duration> durations) {
        List<Duration> sorted = durations.stream().sorted().toList();
        return sorted.isEmpty() ? "-" : String.format("%.1f s (min %.1f, max %.1f, n %d)",
                sorted.get(sorted.size() / 2).toMillis() / 1000.0, sorted.get(0).toMillis() / 1000.0,
                sorted.get(sorted.size() - 1).toMillis() / 1000.0, sorted.size());
    }
}
