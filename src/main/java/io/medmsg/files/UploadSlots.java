package io.medmsg.files;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.medmsg.auth.Caller;
import io.medmsg.db.Database;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * pre_upload: a slot is granted only for a declared name, size, type and optional sha256 that
 * the rules allow, and only while the caller holds fewer pending slots than the limit, so that
 * nobody can fill the store with slots they never confirm.
 */
@Component
class UploadSlots {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FileRepository files;
    private final BlobStore blobs;
    private final StorageSettings settings;
    private final Database db;

    UploadSlots(FileRepository files, BlobStore blobs, StorageSettings settings, Database db) {
        this.files = files;
        this.blobs = blobs;
        this.settings = settings;
        this.db = db;
    }

    /** The pending file of a new slot, recorded; the caller turns it into an upload URL. */
    FileRecord open(Caller caller, FileService.PreUploadRequest request) {
        if (request == null) {
            throw ApiException.badParameter("the request body is required");
        }
        String name = FileNames.sanitise(request.fileName());
        long size = validSize(request.size());
        String mimeType = validMimeType(request.mimeType());
        String sha256 = validSha256(request.sha256());
        long now = System.currentTimeMillis();
        String fileId = newFileId();
        FileRecord slot = new FileRecord(fileId, caller.id(), caller.role().wire(), name, mimeType, size, sha256,
                FileRecord.Status.PENDING, blobs.storageKey(fileId), blobs.newUploadKey(), now,
                now + settings.slotTtl().toMillis(), null);
        // counted and inserted in one transaction under the user's own lock, so concurrent requests
        // cannot both take the last slot: a transaction alone did not stop that on PostgreSQL and
        // MySQL/MariaDB, whose isolation lets two counts miss each other's insert
        db.inTransaction(() -> {
            files.lockOwner(slot.ownerId(), slot.ownerRole());
            if (files.countPending(slot.ownerId(), slot.ownerRole(), now) >= settings.maxPendingSlots()) {
                long earliest = files.earliestPendingExpiry(slot.ownerId(), slot.ownerRole(), now).orElse(now + 1000);
                throw new ApiException(ErrorCode.RATE_LIMITED, "at most " + settings.maxPendingSlots()
                        + " upload slots may be pending at once; confirm or wait for one to expire",
                        Duration.ofMillis(Math.max(1000, earliest - now)));
            }
            files.insert(slot);
            return null;
        });
        return slot;
    }

    private long validSize(Long size) {
        if (size == null) {
            throw ApiException.badParameter("size is required");
        }
        if (size < 1) {
            throw ApiException.badParameter("size must be at least 1 byte");
        }
        long max = settings.maxFileBytes().toBytes();
        if (size > max) {
            String mib = max % (1024 * 1024) == 0 ? " (" + max / (1024 * 1024) + " MiB)" : "";
            throw new ApiException(ErrorCode.TOO_LARGE, "size must be at most " + max + " bytes" + mib);
        }
        return size;
    }

    private static String validMimeType(String mimeType) {
        if (mimeType == null || mimeType.isBlank()) {
            throw ApiException.badParameter("mime_type is required");
        }
        String type = mimeType.strip().toLowerCase(Locale.ROOT);
        if (!ContentSniffer.allowed(type)) {
            throw new ApiException(ErrorCode.UNSUPPORTED_TYPE, "mime_type must be one of "
                    + String.join(", ", new TreeSet<>(ContentSniffer.ALLOWED)));
        }
        return type;
    }

    private static String validSha256(String sha256) {
        if (sha256 == null || sha256.isEmpty()) {
            return null;
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw ApiException.badParameter("sha256 must be 64 hexadecimal characters");
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    private static String newFileId() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
