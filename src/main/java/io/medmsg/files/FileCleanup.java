package io.medmsg.files;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Runs {@link FileService#cleanup} every {@code medmsg.storage.cleanup-interval}, jittered by
 * ±20% so that several instances sharing one database do not all sweep at the same moment.
 */
@Component
class FileCleanup implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(FileCleanup.class);

    private final FileService files;
    private final Duration interval;

    FileCleanup(FileService files, StorageSettings settings) {
        this.files = files;
        this.interval = settings.cleanupInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addTriggerTask(this::run, context -> {
            Instant last = context.lastCompletion();
            return (last == null ? Instant.now() : last).plus(jittered(interval));
        });
    }

    static Duration jittered(Duration interval) {
        long ms = interval.toMillis();
        long spread = ms / 5;
        return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(-spread, spread + 1));
    }

    void run() {
        try {
            FileService.CleanupResult result = files.cleanup(Instant.now());
            if (result.expiredSlots() + result.rejectedSlots() + result.uploadLeftovers() > 0) {
                log.info("file cleanup: removed {} expired slots, {} rejected files, {} upload leftovers",
                        result.expiredSlots(), result.rejectedSlots(), result.uploadLeftovers());
            }
        } catch (RuntimeException e) {
            log.warn("file cleanup failed, will retry: {}", e.toString());
        }
    }
}
