package io.medmsg.files;

import io.swagger.v3.oas.annotations.media.Schema;

import io.medmsg.records.AuditFacts;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Service;

import io.medmsg.auth.Caller;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * Upload slots and the files they become: pre_upload hands out a slot (an upload URL bound to
 * the declared size and type; {@link UploadSlots}), the client PUTs the bytes, upload_access
 * verifies them and makes the file ready ({@link UploadVerification}); a jittered job
 * ({@link FileCleanup}) removes slots that expired unconfirmed.
 *
 * <p>The API for the chat feature (keep these names):
 * <ul>
 * <li>{@link #requireReadyFileOf(Caller, String)} — the caller's own ready file, for
 * send_res_msg; else {@link ApiException} 404/40401 (missing or someone else's, the same
 * answer) or 409/40903 (not ready: still pending, or rejected).</li>
 * <li>{@link #downloadLink(StoredFile, LinkBase)} — a fresh signed download URL valid for
 * {@code medmsg.storage.download-ttl} (on S3 at most {@code medmsg.storage.s3.download-ttl});
 * the caller must already have checked that the reader may
 * see the file (the uploader, or a party of a session that holds it).</li>
 * <li>{@link #find(String)} — a ready file by id, without an owner check, for rendering the
 * {@code resource} of messages the reader may see; empty when there is no ready file by that id.</li>
 * </ul>
 */
@Service
public class FileService {

    private final FileRepository files;
    private final BlobStore blobs;
    private final StorageSettings settings;
    private final UploadSlots slots;
    private final UploadVerification verification;
    private final FileCleanup cleanup;
    private final LinkBases linkBases;

    FileService(FileRepository files, BlobStore blobs, StorageSettings settings, UploadSlots slots,
            UploadVerification verification, FileCleanup cleanup, LinkBases linkBases) {
        this.files = files;
        this.blobs = blobs;
        this.settings = settings;
        this.slots = slots;
        this.verification = verification;
        this.cleanup = cleanup;
        this.linkBases = linkBases;
    }

    record PreUploadRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String fileName,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1",
                    description = "bytes; at most 20 MiB by default") Long size,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "one of the allowed types: image/jpeg, "
                    + "image/png, image/gif, image/webp, audio/mpeg, audio/mp4, audio/aac, audio/amr, audio/webm, "
                    + "audio/ogg, video/mp4, application/pdf") String mimeType,
            @Schema(pattern = "^[0-9a-fA-F]{64}$", description = "checked at upload_access when given") String sha256) {
    }

    record UploadSlot(String fileId, String uploadUrl, @Schema(allowableValues = "PUT") String uploadMethod,
            @Schema(description = "headers to send with the upload") Map<String, String> uploadHeaders,
            long expiresAt) implements AuditFacts {
        @Override
        public String auditFileId() {
            return fileId;
        }
    }

    record ReadyFile(String fileId, @Schema(allowableValues = "ready") String status, String fileName, String mimeType,
            long size, @Schema(description = "a signed download URL") String url,
            long urlExpiresAt) implements AuditFacts {
        @Override
        public String auditFileId() {
            return fileId;
        }
    }

    record CleanupResult(int expiredSlots, int rejectedSlots, int uploadLeftovers, int abandonedParts) {
    }

    /** A new upload slot for the caller, after checking name, size, type, sha256 and the pending-slot limit. */
    UploadSlot preUpload(Caller caller, PreUploadRequest request, LinkBase base) {
        FileRecord slot = slots.open(caller, request);
        BlobStore.UploadTarget target = blobs.uploadTarget(slot, base);
        return new UploadSlot(slot.fileId(), target.url(), "PUT", target.headers(), slot.expiresAt());
    }

    /** upload_access: verifies the uploaded bytes once and makes the file ready; idempotent once ready. */
    ReadyFile confirm(Caller caller, String fileId, LinkBase base) {
        FileRecord file = verification.confirm(caller, fileId);
        FileLink link = downloadLink(file.toStoredFile(), base);
        return new ReadyFile(file.fileId(), FileRecord.Status.READY.wire(), file.fileName(), file.mimeType(),
                file.size(), link.url(), link.expiresAt());
    }

    /** The caller's own ready file, else ApiException 404/40401 (missing/foreign) or 409/40903 (not ready). */
    public StoredFile requireReadyFileOf(Caller caller, String fileId) {
        FileRecord file = ownFile(files, caller, fileId);
        if (file.status() != FileRecord.Status.READY) {
            throw new ApiException(ErrorCode.FILE_STATE, "the file is not ready (it is " + file.status().wire()
                    + "); confirm it with upload_access first");
        }
        return file.toStoredFile();
    }

    /** A fresh signed download link (the chat service has already checked the reader may see it). */
    public FileLink downloadLink(StoredFile file, LinkBase base) {
        Instant expiresAt = Instant.now().plus(settings.linkTtl());
        return new FileLink(blobs.downloadUrl(file.fileId(), file.fileName(), file.mimeType(), expiresAt, base),
                expiresAt.toEpochMilli());
    }

    /** A download link made with no request to answer: to this server's own address (see {@link LinkBases}). */
    FileLink downloadLink(StoredFile file) {
        return downloadLink(file, linkBases.ownAddress());
    }

    /** Looks up a ready file by id without an owner check, for rendering messages the reader may see. */
    public Optional<StoredFile> find(String fileId) {
        if (fileId == null || fileId.isEmpty()) {
            return Optional.empty();
        }
        return files.find(fileId).filter(f -> f.status() == FileRecord.Status.READY).map(FileRecord::toStoredFile);
    }

    /**
     * Removes these files, rows and objects (the retention purge, after their messages are gone);
     * how many rows were removed. An object the store fails to remove now is logged and left.
     */
    public int purge(java.util.Collection<String> fileIds) {
        int removed = 0;
        for (String fileId : fileIds) {
            Optional<FileRecord> file = files.find(fileId);
            if (file.isPresent() && files.delete(fileId)) {
                removed++;
                cleanup.discardQuietly(file.get());
            }
        }
        return removed;
    }

    /** One sweep of {@link FileCleanup} now, as of {@code now}. */
    CleanupResult cleanup(Instant now) {
        return cleanup.sweep(now);
    }

    /** The caller's file in any state; someone else's is the same 404 as a missing one. */
    static FileRecord ownFile(FileRepository files, Caller caller, String fileId) {
        if (fileId == null || fileId.isBlank()) {
            throw ApiException.badParameter("file_id is required");
        }
        return files.find(fileId).filter(f -> f.ownedBy(caller)).orElseThrow(() -> ApiException.notFound("file"));
    }
}
