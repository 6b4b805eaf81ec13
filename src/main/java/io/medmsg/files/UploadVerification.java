package io.medmsg.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.medmsg.auth.Caller;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * upload_access: seals what the client uploaded (so no upload URL can change it afterwards),
 * then checks that copy — size, the leading bytes of the declared type, the declared sha256 —
 * and only then marks the file ready. A file that fails is rejected and its objects removed.
 */
@Component
class UploadVerification {

    private static final Logger log = LoggerFactory.getLogger(UploadVerification.class);

    private final FileRepository files;
    private final BlobStore blobs;
    /** One confirm at a time per file (in this process): verify-then-mark must not interleave. */
    private final ReentrantLock[] confirmLocks = new ReentrantLock[64];

    private final UploadMetrics metrics;

    UploadVerification(FileRepository files, BlobStore blobs, UploadMetrics metrics) {
        this.metrics = metrics;
        this.files = files;
        this.blobs = blobs;
        for (int i = 0; i < confirmLocks.length; i++) {
            confirmLocks[i] = new ReentrantLock();
        }
    }

    /** The caller's file, verified once and ready; idempotent once ready. */
    FileRecord confirm(Caller caller, String fileId) {
        FileService.ownFile(files, caller, fileId);
        ReentrantLock lock = confirmLocks[Math.floorMod(fileId.hashCode(), confirmLocks.length)];
        lock.lock();
        try {
            FileRecord file = FileService.ownFile(files, caller, fileId);
            switch (file.status()) {
                case READY -> {
                    return file;
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
                throw reject(file, UploadMetrics.Outcome.REJECTED_SIZE, ErrorCode.VERIFICATION_FAILED, "the uploaded file has " + stored.getAsLong()
                        + " bytes, not the declared " + file.size());
            }
            verifyContent(file);
            if (files.markReady(fileId, System.currentTimeMillis())) {
                metrics.count(UploadMetrics.Outcome.READY);
            } else {
                // no longer pending: swept by the cleanup job meanwhile, or confirmed first by another instance
                FileRecord now = files.find(fileId).orElseThrow(() -> ApiException.notFound("file"));
                if (now.status() != FileRecord.Status.READY) {
                    throw new ApiException(ErrorCode.FILE_STATE, "the upload slot has expired; request a new one");
                }
            }
            FileCleanup.dropUploadQuietly(blobs, file);
            return file;
        } finally {
            lock.unlock();
        }
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
            throw reject(file, UploadMetrics.Outcome.REJECTED_TYPE, ErrorCode.UNSUPPORTED_TYPE, "the uploaded bytes are not a " + file.mimeType()
                    + " file; the upload was rejected and removed");
        }
        if (!hashMatches) {
            throw reject(file, UploadMetrics.Outcome.REJECTED_SHA256, ErrorCode.VERIFICATION_FAILED,
                    "the sha256 of the uploaded bytes does not equal the declared sha256; the upload was rejected and removed");
        }
    }

    private ApiException reject(FileRecord file, UploadMetrics.Outcome outcome, ErrorCode code, String message) {
        metrics.count(outcome);
        files.markRejected(file.fileId());
        blobs.discard(file);
        log.info("rejected upload {} ({}): {}", file.fileId(), file.mimeType(), code);
        return new ApiException(code, message);
    }
}
