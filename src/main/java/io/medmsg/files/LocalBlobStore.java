package io.medmsg.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

import io.medmsg.shared.DependencyFailure;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * Files under {@code <data-dir>/files}, each at {@code <first two chars of the id>/<file id>}.
 * The client's PUT goes to MedMsg itself ({@link LocalFileController}), streams into a temporary
 * file and is then linked into place only if nothing is there yet, so a slot takes exactly one
 * upload and a verified file can never be replaced. Part files a crash left in {@code .incoming}
 * are removed at start-up and by the cleanup job. Upload and download URLs carry an
 * {@link UrlSigner} signature.
 */
class LocalBlobStore implements BlobStore {

    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final Path incoming;
    private final UrlSigner signer;

    LocalBlobStore(Path root, UrlSigner signer) {
        this.root = root;
        this.incoming = root.resolve(".incoming");
        this.signer = signer;
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the file store directory " + incoming, e);
        }
    }

    @Override
    public String storageKey(String fileId) {
        return fileId.substring(0, 2) + "/" + fileId;
    }

    @Override
    public String newUploadKey() {
        return null;
    }

    @Override
    public UploadTarget uploadTarget(FileRecord file, LinkBase base) {
        String sig = signer.signUpload(file.fileId(), file.size(), file.mimeType(), file.expiresAt());
        return new UploadTarget(base.url() + "/files/upload/" + file.fileId() + "?exp=" + file.expiresAt() + "&sig=" + sig,
                Map.of("Content-Type", file.mimeType()));
    }

    @Override
    public String downloadUrl(String fileId, String fileName, String mimeType, Instant expiresAt, LinkBase base) {
        long exp = expiresAt.toEpochMilli();
        return base.url() + "/files/download/" + fileId + "?exp=" + exp + "&sig=" + signer.signDownload(fileId, exp);
    }

    /** Whether the slot's object is there (uploaded, and not yet removed). */
    boolean exists(FileRecord file) {
        return Files.exists(path(file));
    }

    /**
     * Streams the body of a PUT into place: never more than the declared size, never fewer, and
     * only if the slot holds nothing yet.
     */
    void receive(FileRecord file, InputStream body) throws IOException {
        Path target = path(file);
        if (Files.exists(target)) {
            throw alreadyUploaded();
        }
        try {
            store(file, body, target);
        } catch (IOException e) {
            if (noRoom(e)) {
                throw new DependencyFailure(DependencyFailure.Kind.STORAGE_FULL, "the file store " + root + " is full: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * ENOSPC or EDQUOT, as the JDK words them. Only these count as the store's failure: any other
     * IOException here may be the client's (a body that stopped arriving).
     */
    static boolean noRoom(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"));
    }

    private void store(FileRecord file, InputStream body, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path part = Files.createTempFile(incoming, "upload-", ".part");
        try {
            long received = 0;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = body.read(buffer)) != -1) {
                    received += n;
                    if (received > file.size()) {
                        throw new ApiException(ErrorCode.VERIFICATION_FAILED,
                                "the upload is larger than the declared size of " + file.size() + " bytes");
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                }
                out.force(true);
            }
            if (received < file.size()) {
                throw new ApiException(ErrorCode.VERIFICATION_FAILED, "the upload has " + received
                        + " bytes, fewer than the declared size of " + file.size() + " bytes");
            }
            placeIfAbsent(part, target);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** A hard link is created atomically and never replaces an existing file (a rename would). */
    private static void placeIfAbsent(Path part, Path target) throws IOException {
        try {
            Files.createLink(target, part);
        } catch (FileAlreadyExistsException taken) {
            throw alreadyUploaded();
        } catch (UnsupportedOperationException | IOException noLinks) {
            try {
                Files.move(part, target);
            } catch (FileAlreadyExistsException taken) {
                throw alreadyUploaded();
            }
        }
    }

    private static ApiException alreadyUploaded() {
        return new ApiException(ErrorCode.FILE_STATE, "this upload slot has been used already; request a new one");
    }

    /**
     * A part file is written at least every idle timeout (20 s) while its upload lives, and removed
     * when it ends; one not written since {@code writtenBefore} was left by a process that died.
     */
    @Override
    public int removeAbandonedUploads(Instant writtenBefore) {
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming, "upload-*.part")) {
            for (Path part : parts) {
                try {
                    if (Files.getLastModifiedTime(part).toInstant().isBefore(writtenBefore) && Files.deleteIfExists(part)) {
                        removed++;
                    }
                } catch (NoSuchFileException finishedMeanwhile) {
                    // its upload ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return removed;
    }

    @Override
    public OptionalLong seal(FileRecord file) {
        try {
            return OptionalLong.of(Files.size(path(file)));
        } catch (NoSuchFileException nothing) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(FileRecord file) throws IOException {
        return Files.newInputStream(path(file));
    }

    @Override
    public void discard(FileRecord file) {
        try {
            Files.deleteIfExists(path(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void dropUpload(FileRecord file) {
        // the upload is the final object itself
    }

    Path path(FileRecord file) {
        Path path = root.resolve(file.storageKey()).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalStateException("storage key outside the file store");
        }
        return path;
    }
}
