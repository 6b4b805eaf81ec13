package io.medmsg.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.medmsg.shared.DependencyFailure;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * The rules of the signed local URLs: who may PUT a slot's bytes (a valid, unexpired upload
 * signature, the declared Content-Type and Content-Length, one upload per slot) and who may GET
 * a ready file (a valid, unexpired download signature, and the file may still be served: not yet
 * sent, or held by at least one message that is not recalled; {@link FileHolders}).
 */
@Component
class LocalTransfers {

    private static final Logger log = LoggerFactory.getLogger(LocalTransfers.class);

    private final FileRepository files;
    private final BlobStore blobs;
    private final UrlSigner signer;
    private final FileHolders holders;
    private final UploadMetrics metrics;

    LocalTransfers(FileRepository files, BlobStore blobs, UrlSigner signer, FileHolders holders, UploadMetrics metrics) {
        this.metrics = metrics;
        this.files = files;
        this.blobs = blobs;
        this.signer = signer;
        this.holders = holders;
    }

    /** Stores the body of a PUT for a slot; returns the number of bytes stored. */
    long receive(String fileId, String exp, String sig, String contentType, long contentLength, InputStream body)
            throws IOException {
        LocalBlobStore local = local();
        long expiresAt = parseExpiry(exp);
        FileRecord file = files.find(fileId).orElseThrow(LocalTransfers::badSignature);
        if (!signer.verifyUpload(file.fileId(), file.size(), file.mimeType(), expiresAt, sig)) {
            throw badSignature();
        }
        if (expiresAt <= System.currentTimeMillis() || file.expiresAt() <= System.currentTimeMillis()) {
            throw badSignature();
        }
        if (file.status() != FileRecord.Status.PENDING || local.exists(file)) {
            throw new ApiException(ErrorCode.FILE_STATE, "this upload slot has been used already; request a new one");
        }
        if (contentType == null || !baseType(contentType).equals(file.mimeType())) {
            throw new ApiException(ErrorCode.UNSUPPORTED_TYPE, "Content-Type must be " + file.mimeType()
                    + ", the type declared for this slot");
        }
        if (contentLength >= 0 && contentLength != file.size()) {
            throw new ApiException(ErrorCode.VERIFICATION_FAILED, "Content-Length " + contentLength
                    + " does not equal the declared size of " + file.size() + " bytes");
        }
        try {
            local.receive(file, body);
        } catch (DependencyFailure full) {
            if (full.kind() == DependencyFailure.Kind.STORAGE_FULL) {
                metrics.count(UploadMetrics.Outcome.STORAGE_FULL);
            }
            free(file, full);
            throw full;
        }
        if (files.find(fileId).filter(f -> f.status() == FileRecord.Status.PENDING).isEmpty()) {
            // the slot was cleaned up while the bytes were arriving: leave nothing behind
            local.discard(file);
            throw new ApiException(ErrorCode.FILE_STATE, "the upload slot has expired; request a new one");
        }
        log.debug("received {} bytes for file {}", file.size(), fileId);
        return file.size();
    }

    /**
     * A slot whose bytes the store had no room for holds nothing and never will: it stops counting
     * against the uploader's pending slots (else the next pre_upload would be refused with 429
     * until it expired). Its row goes with the other rejected ones at cleanup.
     */
    private void free(FileRecord file, DependencyFailure cause) {
        try {
            files.markRejected(file.fileId());
        } catch (RuntimeException e) {
            // the database may be on the same full disk; the slot then expires as usual
            cause.addSuppressed(e);
        }
    }

    /** The ready file and where its bytes are, for a GET with a valid download signature. */
    Download download(String fileId, String exp, String sig) {
        LocalBlobStore local = local();
        long expiresAt = parseExpiry(exp);
        if (!signer.verifyDownload(fileId, expiresAt, sig) || expiresAt <= System.currentTimeMillis()) {
            throw badSignature();
        }
        Optional<FileRecord> file = files.find(fileId).filter(f -> f.status() == FileRecord.Status.READY);
        // a URL outlives the recall of the message it came with: ask again each time it is used
        if (file.isEmpty() || holders.of(fileId) == FileHolders.Holding.RECALLED || !local.exists(file.get())) {
            throw ApiException.notFound("file");
        }
        return new Download(file.get(), local.path(file.get()));
    }

    record Download(FileRecord file, Path path) {
    }

    private LocalBlobStore local() {
        if (blobs instanceof LocalBlobStore local) {
            return local;
        }
        throw new ApiException(ErrorCode.NOT_FOUND, "no such endpoint");
    }

    private static long parseExpiry(String exp) {
        try {
            return Long.parseLong(exp);
        } catch (NumberFormatException | NullPointerException e) {
            throw badSignature();
        }
    }

    private static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static ApiException badSignature() {
        return new ApiException(ErrorCode.BAD_SIGNATURE, "the URL signature is invalid or has expired");
    }
}
