package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import io.medmsg.shared.DependencyFailure;

/**
 * Readiness from the outcomes of writes, on a clock the test moves: a commit between failures (a
 * transaction that needed no new page on a full disk) does not make the service ready; writes that
 * commit with no failure for {@link WriteHealth#SETTLE} do.
 */
class WriteHealthTest {

    private final AtomicLong now = new AtomicLong();
    private final WriteHealth health = new WriteHealth(now::get);

    @Test
    void upWhileNothingHasFailed() {
        health.succeeded();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aCommitBetweenFailuresOnAFullDiskKeepsItDown() {
        health.failed(full());
        for (int i = 0; i < 20; i++) {
            elapse(300);
            health.succeeded();
            assertThat(health.health().getStatus()).as("after a commit, %d ms after a failure", 300).isEqualTo(Status.DOWN);
            elapse(300);
            health.failed(full());
        }
        assertThat(health.health().getDetails()).containsEntry("writes", "storage full");
    }

    @Test
    void upAgainOnceWritesCommitWithoutAFailureForTheSettlingTime() {
        health.failed(full());
        health.succeeded();
        elapse(WriteHealth.SETTLE.toMillis() - 1);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        elapse(1);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void timeAloneWithoutACommitDoesNotMakeItReady() {
        health.failed(new DependencyFailure(DependencyFailure.Kind.UNAVAILABLE, "connection refused", null));
        elapse(60_000);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails()).containsEntry("writes", "database unavailable");
    }

    private void elapse(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    private static DependencyFailure full() {
        return new DependencyFailure(DependencyFailure.Kind.STORAGE_FULL, "No space left on device", null);
    }
}
