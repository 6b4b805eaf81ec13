package io.medmsg.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.medmsg.auth.Caller;
import io.medmsg.db.Database;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * Upload slots and the files they become: pre_upload hands out a slot (an upload URL bound to
 * the declared size and type), the client PUTs the bytes, upload_access verifies them (size,
 * sha256 when declared, and the leading bytes of the declared type) and makes the file ready;
 * a jittered job ({@link FileCleanup}) removes slots that expired unconfirmed.
 *
 * <p>The API for the chat feature (keep these names):
 * <ul>
 * <li>{@link #requireReadyFileOf(Caller, String)} — the caller's own ready file, for
 * send_res_msg; else {@link ApiException} 404/40401 (missing or someone else's, the same
 * answer) or 409/40903 (not ready: still pending, or rejected).</li>
 * <li>{@link #downloadLink(StoredFile)} — a fresh signed download URL valid for
 * {@code medmsg.storage.download-ttl}; the caller must already have checked that the reader may
 * see the file (the uploader, or a party of a session that holds it).</li>
 * <li>{@link #find(String)} — a ready file by id, without an owner check, for rendering the
 * {@code resource} of messages the reader may see; empty when there is no ready file by that id.</li>
 * </ul>
 */
@Service
public class FileService {

    private static final Logger log = LoggerFactory.getLogger(FileService.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CLEANUP_BATCH = 500;

    private final FileRepository files;
    private final BlobStore blobs;
    private final StorageSettings settings;
    private final Database db;
    /** One confirm at a time per file (in this process): verify-then-mark must not interleave. */
    private final ReentrantLock[] confirmLocks = new ReentrantLock[64];

    FileService(FileRepository files, BlobStore blobs, StorageSettings settings, Database db) {
        this.files = files;
        this.blobs = blobs;
        this.settings = settings;
        this.db = db;
        for (int i = 0; i < confirmLocks.length; i++) {
            confirmLocks[i] = new ReentrantLock();
        }
    }

    record PreUploadRequest(String fileName, Long size, String mimeType, String sha256) {
    }

    record UploadSlot(String fileId, String uploadUrl, String uploadMethod,
            java.util.Map<String, String> uploadHeaders, long expiresAt) {
    }

    record ReadyFile(String fileId, String status, String fileName, String mimeType, long size, String url,
            long urlExpiresAt) {
    }

    /** A new upload slot for the caller, after checking name, size, type, sha256 and the pending-slot limit. */
    UploadSlot preUpload(Caller caller, PreUploadRequest request) {
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
        db.inTransaction(() -> {
            if (files.countPending(slot.ownerId(), slot.ownerRole(), now) >= settings.maxPendingSlots()) {
                long earliest = files.earliestPendingExpiry(slot.ownerId(), slot.ownerRole(), now).orElse(now + 1000);
                throw new ApiException(ErrorCode.RATE_LIMITED, "at most " + settings.maxPendingSlots()
                        + " upload slots may be pending at once; confirm or wait for one to expire",
                        Duration.ofMillis(Math.max(1000, earliest - now)));
            }
            files.insert(slot);
            return null;
        });
        BlobStore.UploadTarget target = blobs.uploadTarget(slot);
        return new UploadSlot(fileId, target.url(), "PUT", target.headers(), slot.expiresAt());
    }

    /** upload_access: verifies the uploaded bytes once and makes the file ready; idempotent once ready. */
    ReadyFile confirm(Caller caller, String fileId) {
        ownFile(caller, fileId);
        ReentrantLock lock = confirmLocks[Math.floorMod(fileId.hashCode(), confirmLocks.length)];
        lock.lock();
        try {
            FileRecord file = ownFile(caller, fileId);
            switch (file.status()) {
                case READY -> {
                    return readyAnswer(file);
                }
                case REJECTED -> throw new ApiException(ErrorCode.FILE_STATE,
                        "the file was rejected when it was checked; upload it again with a new slot");
                case PENDING -> {
                    // verify below
                }
            }
            if (file.expiresAt() <= System.currentTimeMillis()) {
                throw new ApiException(ErrorCode.FILE_STATE, "the upload slot has expired; request a new one");
            }
            OptionalLong stored = blobs.seal(file);
            if (stored.isEmpty()) {
                throw new ApiException(ErrorCode.FILE_STATE, "the file has not been uploaded yet");
            }
            if (stored.getAsLong() != file.size()) {
                throw reject(file, ErrorCode.VERIFICATION_FAILED, "the uploaded file has " + stored.getAsLong()
                        + " bytes, not the declared " + file.size());
            }
            verifyContent(file);
            if (!files.markReady(fileId, System.currentTimeMillis())) {
                FileRecord now = files.find(fileId).orElseThrow(() -> ApiException.notFound("file"));
                if (now.status() != FileRecord.Status.READY) {
                    throw new ApiException(ErrorCode.FILE_STATE, "the upload slot has expired; request a new one");
                }
            }
            dropUploadQuietly(file);
            return readyAnswer(file);
        } finally {
            lock.unlock();
        }
    }

    /** The caller's own ready file, else ApiException 404/40401 (missing/foreign) or 409/40903 (not ready). */
    public StoredFile requireReadyFileOf(Caller caller, String fileId) {
        FileRecord file = ownFile(caller, fileId);
        if (file.status() != FileRecord.Status.READY) {
            throw new ApiException(ErrorCode.FILE_STATE, "the file is not ready (it is " + file.status().wire()
                    + "); confirm it with upload_access first");
        }
        return file.toStoredFile();
    }

    /** A fresh signed download link (the chat service has already checked the reader may see it). */
    public FileLink downloadLink(StoredFile file) {
        Instant expiresAt = Instant.now().plus(settings.downloadTtl());
        return new FileLink(blobs.downloadUrl(file.fileId(), file.fileName(), file.mimeType(), expiresAt),
                expiresAt.toEpochMilli());
    }

    /** Looks up a ready file by id without an owner check, for rendering messages the reader may see. */
    public Optional<StoredFile> find(String fileId) {
        if (fileId == null || fileId.isEmpty()) {
            return Optional.empty();
        }
        return files.find(fileId).filter(f -> f.status() == FileRecord.Status.READY).map(FileRecord::toStoredFile);
    }

    record CleanupResult(int expiredSlots, int rejectedSlots, int uploadLeftovers) {
    }

    /**
     * Removes slots that expired unconfirmed (row and objects), rows of rejected files past their
     * slot's expiry, and the upload objects S3 keeps beside ready files. Never touches the object
     * of a ready file: a slot's row is deleted only while it is still pending (so a confirm that
     * won the race keeps its file), and only then its objects.
     */
    CleanupResult cleanup(Instant now) {
        long t = now.toEpochMilli();
        int expired = 0;
        int rejected = 0;
        int leftovers = 0;
        for (FileRecord f : files.expired(FileRecord.Status.PENDING, t, CLEANUP_BATCH)) {
            if (files.deleteIfStatus(f.fileId(), FileRecord.Status.PENDING) && discardQuietly(f)) {
                expired++;
            }
        }
        for (FileRecord f : files.expired(FileRecord.Status.REJECTED, t, CLEANUP_BATCH)) {
            if (files.deleteIfStatus(f.fileId(), FileRecord.Status.REJECTED) && discardQuietly(f)) {
                rejected++;
            }
        }
        for (FileRecord f : files.uploadLeftovers(t, CLEANUP_BATCH)) {
            if (dropUploadQuietly(f)) {
                files.clearUploadKey(f.fileId());
                leftovers++;
            }
        }
        return new CleanupResult(expired, rejected, leftovers);
    }

    private FileRecord ownFile(Caller caller, String fileId) {
        if (fileId == null || fileId.isBlank()) {
            throw ApiException.badParameter("file_id is required");
        }
        return files.find(fileId).filter(f -> f.ownedBy(caller)).orElseThrow(() -> ApiException.notFound("file"));
    }

    private ReadyFile readyAnswer(FileRecord file) {
        FileLink link = downloadLink(file.toStoredFile());
        return new ReadyFile(file.fileId(), FileRecord.Status.READY.wire(), file.fileName(), file.mimeType(),
                file.size(), link.url(), link.expiresAt());
    }

    /** The leading bytes must fit the declared type; the whole file must hash to the declared sha256. */
    private void verifyContent(FileRecord file) {
        boolean typeMatches;
        boolean hashMatches = true;
        try (InputStream in = blobs.open(file)) {
            byte[] head = in.readNBytes(ContentSniffer.HEAD_BYTES);
            typeMatches = ContentSniffer.matches(file.mimeType(), head);
            if (typeMatches && file.sha256() != null) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(head);
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    sha.update(buffer, 0, n);
                }
                hashMatches = HexFormat.of().formatHex(sha.digest()).equals(file.sha256());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded file " + file.fileId(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!typeMatches) {
            throw reject(file, ErrorCode.UNSUPPORTED_TYPE, "the uploaded bytes are not a " + file.mimeType()
                    + " file; the upload was rejected and removed");
        }
        if (!hashMatches) {
            throw reject(file, ErrorCode.VERIFICATION_FAILED,
                    "the sha256 of the uploaded bytes does not equal the declared sha256; the upload was rejected and removed");
        }
    }

    private ApiException reject(FileRecord file, ErrorCode code, String message) {
        files.markRejected(file.fileId());
        blobs.discard(file);
        log.info("rejected upload {} ({}): {}", file.fileId(), file.mimeType(), code);
        return new ApiException(code, message);
    }

    private boolean discardQuietly(FileRecord file) {
        try {
            blobs.discard(file);
            return true;
        } catch (RuntimeException e) {
            log.warn("could not remove the objects of file {}: {}", file.fileId(), e.toString());
            return false;
        }
    }

    private boolean dropUploadQuietly(FileRecord file) {
        try {
            blobs.dropUpload(file);
            return true;
        } catch (RuntimeException e) {
            log.warn("could not remove the upload object of file {}: {}", file.fileId(), e.toString());
            return false;
        }
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
        String type = mimeType.strip().toLowerCase(java.util.Locale.ROOT);
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
        return sha256.toLowerCase(java.util.Locale.ROOT);
    }

    private static String newFileId() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
