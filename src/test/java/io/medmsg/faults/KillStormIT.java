package io.medmsg.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.ChildService;
import io.medmsg.support.SendStorm;
import io.medmsg.support.TestDatabase;

/**
 * SIGKILL of the packaged service, again and again ({@link Faults#kills}, 20 by default), while
 * eight senders send as fast as they can and repeat every unanswered send with its
 * client_msg_id. After each restart every acknowledged message is there with its seq, no
 * client_msg_id is stored twice and every session's seqs are 1..last_seq; at the end what is
 * stored is exactly what was acknowledged. On SQLite (one instance, so nobody answers between a
 * kill and the restart) and on PostgreSQL with two instances (the other one serves a moment
 * longer, then dies too; both start again together, which on two cores takes little longer than
 * one start: the storm's time is its restarts).
 */
class KillStormIT {

    private static final String DOCTOR = "d1001";

    @Test
    void onSqliteEveryAcknowledgedMessageSurvivesEveryKill(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        AtomicReferenceArray<ChildService> up = new AtomicReferenceArray<>(1);
        up.set(0, Faults.start(dataDir, List.of()));
        List<Duration> restarts = new ArrayList<>();
        try (SendStorm storm = SendStorm.start(() -> List.of(up.get(0).api()), DOCTOR, 4, "sqlite-kill")) {
            for (int k = 1; k <= Faults.kills(); k++) {
                storm.awaitMoreAcked(20, Duration.ofSeconds(60));
                Thread.sleep(ThreadLocalRandom.current().nextInt(300));
                up.get(0).kill();
                Path walFile = dataDir.resolve("medmsg.db-wal");
                long wal = Files.exists(walFile) ? Files.size(walFile) : 0;
                up.set(0, Faults.start(dataDir, List.of()));
                restarts.add(up.get(0).startup());
                Faults.say("sqlite kill %d: killed with a %d KiB WAL, healthy again in %.1f s; %s", k, wal / 1024,
                        up.get(0).startup().toMillis() / 1000.0, storm.check(up.get(0).api()));
            }
            Faults.say("sqlite storm of %d kills: %s; restart to healthy %s", Faults.kills(),
                    storm.stopAndCheck(up.get(0).api()), Faults.median(restarts));
        } finally {
            up.get(0).close();
        }
    }

    @Test
    void onPostgresWithTwoInstancesEveryAcknowledgedMessageSurvivesEveryKill(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        TestDatabase.Fresh db = TestDatabase.createOnServer(TestDatabase.Kind.POSTGRES);
        List<String> args = Faults.instanceArgs(db, "--medmsg.notify.type=postgres",
                "--medmsg.notify.channel=kill_" + Long.toString(System.nanoTime(), 36));
        AtomicReferenceArray<ChildService> up = new AtomicReferenceArray<>(2);
        List<Path> dataDirs = List.of(dir.resolve("a"), dir.resolve("b"));
        startBoth(up, dataDirs, args);
        List<Duration> restarts = new ArrayList<>();
        int kills = 0;
        try (SendStorm storm = SendStorm.start(() -> List.of(up.get(0).api(), up.get(1).api()), DOCTOR, 4, "pg-kill")) {
            for (int cycle = 1; kills < Faults.kills(); cycle++) {
                storm.awaitMoreAcked(20, Duration.ofSeconds(60));
                // one dies, the other serves a moment longer, then it dies too
                int first = cycle % 2;
                Thread.sleep(ThreadLocalRandom.current().nextInt(300));
                up.get(first).kill();
                Thread.sleep(ThreadLocalRandom.current().nextInt(300));
                up.get(1 - first).kill();
                kills += 2;
                startBoth(up, dataDirs, args);
                restarts.add(up.get(0).startup());
                restarts.add(up.get(1).startup());
                Faults.say("postgres kill cycle %d (%d kills so far): healthy again in %.1f and %.1f s; %s", cycle, kills,
                        up.get(0).startup().toMillis() / 1000.0, up.get(1).startup().toMillis() / 1000.0,
                        storm.check(up.get(cycle % 2).api()));
            }
            Faults.say("postgres storm of %d kills on two instances: %s; restart to healthy %s", kills,
                    storm.stopAndCheck(up.get(0).api()), Faults.median(restarts));
        } finally {
            up.get(0).close();
            up.get(1).close();
        }
    }

    /** Starts both instances at once: on two cores two starts take little longer than one. */
    private static void startBoth(AtomicReferenceArray<ChildService> up, List<Path> dataDirs, List<String> args)
            throws Exception {
        try (ExecutorService starter = Executors.newFixedThreadPool(2)) {
            List<Future<ChildService>> started = List.of(starter.submit(() -> Faults.start(dataDirs.get(0), args)),
                    starter.submit(() -> Faults.start(dataDirs.get(1), args)));
            up.set(0, started.get(0).get());
            up.set(1, started.get(1).get());
        }
    }
}
