package io.medmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.ChildService;
import io.medmsg.support.SendStorm;
import io.medmsg.support.TinyDisk;
import io.medmsg.support.Tokens;

/**
 * The packaged service on SQLite with its data dir on a 24 MiB tmpfs ({@link TinyDisk}) that fills
 * up under eight senders. While full, sends are answered 507/50701 (the senders repeat them with
 * their client_msg_id) and readiness is DOWN; once space is freed the service is ready again by
 * itself and nothing acknowledged is lost, nothing stored twice, no seq gap. Then the disk fills
 * again and the service is killed (SIGKILL) while full; after space is freed and it is restarted,
 * the same holds and SQLite's integrity_check is ok. Skipped where tmpfs cannot be mounted, except
 * on CI.
 */
class DiskFullIT {

    private static final String DOCTOR = "d1001";

    @Test
    void onAFullDiskSendsAre507UntilSpaceIsFreedAndNothingAcknowledgedIsLostEvenAcrossAKill(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
            throws Exception {
        Path dataDir = dir.resolve("data");
        TinyDisk disk = TinyDisk.mount(dataDir, 24);
        ChildService service = null;
        try {
            service = Faults.start(dataDir, List.of());
            ChildService[] up = {service};
            try (SendStorm storm = SendStorm.start(() -> List.of(up[0].api()), DOCTOR, 4, "full")) {
                storm.awaitMoreAcked(200, Duration.ofSeconds(60));

                fillAndAwait507(disk, storm);
                Faults.awaitReadiness(up[0].api(), 503, Duration.ofSeconds(10));
                Thread.sleep(2_000);
                disk.free();
                long freed = System.nanoTime();
                Faults.awaitReadiness(up[0].api(), 200, Duration.ofSeconds(30));
                storm.awaitMoreAcked(100, Duration.ofSeconds(30));
                Faults.say("disk full: ready and sending again %.1f s after space was freed; %d answers 507; %s",
                        (System.nanoTime() - freed) / 1e9, storm.storageFullAnswers(), storm.check(up[0].api()));

                up[0].api().get("/actuator/prometheus", Tokens.admin("faults-ops")).raw().lines()
                        .filter(l -> l.contains("status=\"507\"")).forEach(l -> Faults.say("disk full metric: %s", l));

                fillAndAwait507(disk, storm);
                up[0].kill();
                disk.free();
                up[0] = Faults.start(dataDir, List.of());
                service = up[0];
                storm.awaitMoreAcked(100, Duration.ofSeconds(60));
                Faults.say("disk full, killed while full, restarted after space was freed: %s",
                        storm.stopAndCheck(up[0].api()));
            }
            service.close();
            service = null;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("medmsg.db"));
                    Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).as("SQLite integrity_check").isEqualTo("ok");
            }
        } finally {
            if (service != null) {
                service.kill();
            }
            disk.free();
            disk.unmount();
        }
    }

    private static void fillAndAwait507(TinyDisk disk, SendStorm storm) throws InterruptedException {
        int before = storm.storageFullAnswers();
        disk.fill();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (storm.storageFullAnswers() < before + 10) {
            assertThat(System.nanoTime()).as("sends answered 507/50701 on the full disk").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
