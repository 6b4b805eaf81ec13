package io.medmsg.files;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Removes what uploads leave behind, every {@code medmsg.storage.cleanup-interval}, jittered by
 * ±20% so that several instances sharing one database do not all sweep at the same moment.
 */
@Component
class FileCleanup implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(FileCleanup.class);
    private static final int BATCH = 500;

    private final FileRepository files;
    private final BlobStore blobs;
    private final Duration interval;
    /** How long a part file may go unwritten before it counts as abandoned: far past any idle timeout. */
    private final Duration partsAbandonedAfter;

    FileCleanup(FileRepository files, BlobStore blobs, StorageSettings settings) {
        this.files = files;
        this.blobs = blobs;
        this.interval = settings.cleanupInterval();
        this.partsAbandonedAfter = settings.slotTtl();
    }

    /**
     * Part files a crash left behind go at start-up, not one cleanup interval later. Only the
     * store's scratch directory is read here: nothing on the way to the first answer grows with
     * the data (the database's expired slots wait for the job).
     */
    @EventListener(ApplicationReadyEvent.class)
    void atStartUp() {
        int parts = removeAbandonedParts(Instant.now());
        if (parts > 0) {
            log.info("file cleanup at start-up: removed {} part files of uploads that never finished", parts);
        }
    }

    private int removeAbandonedParts(Instant now) {
        try {
            return blobs.removeAbandonedUploads(now.minus(partsAbandonedAfter));
        } catch (RuntimeException e) {
            log.warn("could not remove abandoned upload parts, will retry: {}", e.toString());
            return 0;
        }
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
            FileService.CleanupResult result = sweep(Instant.now());
            if (result.expiredSlots() + result.rejectedSlots() + result.uploadLeftovers() + result.abandonedParts() > 0) {
                log.info("file cleanup: removed {} expired slots, {} rejected files, {} upload leftovers, {} part files",
                        result.expiredSlots(), result.rejectedSlots(), result.uploadLeftovers(), result.abandonedParts());
            }
        } catch (RuntimeException e) {
            log.warn("file cleanup failed, will retry: {}", e.toString());
        }
    }

    /**
     * Removes slots that expired unconfirmed (row and objects), rows of rejected files past their
     * slot's expiry, the upload objects S3 keeps beside ready files, and the part files of local
     * uploads that a crash interrupted ({@link BlobStore#removeAbandonedUploads}). Never touches the object
     * of a ready file: a slot's row is deleted only while it is still pending (so a confirm that
     * won the race keeps its file), and only then its objects.
     */
    FileService.CleanupResult sweep(Instant now) {
        long t = now.toEpochMilli();
        int expired = 0;
        int rejected = 0;
        int leftovers = 0;
        for (FileRecord f : files.expired(FileRecord.Status.PENDING, t, BATCH)) {
            if (files.deleteIfStatus(f.fileId(), FileRecord.Status.PENDING) && discardQuietly(f)) {
                expired++;
            }
        }
        for (FileRecord f : files.expired(FileRecord.Status.REJECTED, t, BATCH)) {
            if (files.deleteIfStatus(f.fileId(), FileRecord.Status.REJECTED) && discardQuietly(f)) {
                rejected++;
            }
        }
        for (FileRecord f : files.uploadLeftovers(t, BATCH)) {
            if (dropUploadQuietly(blobs, f)) {
                files.clearUploadKey(f.fileId());
                leftovers++;
            }
        }
        return new FileService.CleanupResult(expired, rejected, leftovers, removeAbandonedParts(now));
    }

    /** A store that fails now leaves the object for the next sweep, not a failed request or sweep. */
    boolean discardQuietly(FileRecord file) {
        try {
            blobs.discard(file);
            return true;
        } catch (RuntimeException e) {
            log.warn("could not remove the objects of file {}: {}", file.fileId(), e.toString());
            return false;
        }
    }

    /** Also after a confirm: its upload object is a leftover that the next sweep retries. */
    static boolean dropUploadQuietly(BlobStore blobs, FileRecord file) {
        try {
            blobs.dropUpload(file);
            return true;
        } catch (RuntimeException e) {
            log.warn("could not remove the upload object of file {}: {}", file.fileId(), e.toString());
            return false;
        }
    }
}
