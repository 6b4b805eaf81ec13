package io.medmsg.files;

import java.io.InputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.medmsg.shared.DependencyFailure;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Files in an S3-compatible bucket, through presigned URLs, so that the bytes never pass through
 * MedMsg. The client PUTs to a random {@code uploads/...} key with a URL bound to the declared
 * Content-Type and Content-Length. {@link #seal} copies that object (only if it is still the one
 * just looked at) to {@code files/<file id>}, which no URL ever writes, and verification then
 * reads that copy: a PUT through the still-valid upload URL cannot swap a verified file.
 */
class S3BlobStore implements BlobStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    S3BlobStore(StorageSettings.S3 settings) {
        AwsCredentialsProvider credentials = settings.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(settings.region());
        S3Configuration config = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
        var client = S3Client.builder().region(region).credentialsProvider(credentials).serviceConfiguration(config)
                // S3-compatible stores do not all know the newer default checksum headers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presign = S3Presigner.builder().region(region).credentialsProvider(credentials).serviceConfiguration(config);
        if (settings.endpoint() != null) {
            client.endpointOverride(URI.create(settings.endpoint()));
            presign.endpointOverride(URI.create(settings.endpoint()));
        }
        this.s3 = client.build();
        this.presigner = presign.build();
        this.bucket = settings.bucket();
    }

    @Override
    public String storageKey(String fileId) {
        return "files/" + fileId;
    }

    @Override
    public String newUploadKey() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "uploads/" + HexFormat.of().formatHex(random);
    }

    @Override
    public UploadTarget uploadTarget(FileRecord file, LinkBase base) {
        Duration valid = Duration.ofMillis(Math.max(1000, file.expiresAt() - System.currentTimeMillis()));
        PresignedPutObjectRequest put = call(() -> presigner.presignPutObject(p -> p.signatureDuration(valid)
                .putObjectRequest(o -> o.bucket(bucket).key(file.uploadKey())
                        .contentType(file.mimeType()).contentLength(file.size()))));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : put.signedHeaders().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            // the HTTP client sets these itself (and browsers and java.net.http refuse to let a caller set them)
            if (!name.equals("host") && !name.equals("content-length")) {
                headers.put(name.equals("content-type") ? "Content-Type" : h.getKey(), String.join(",", h.getValue()));
            }
        }
        headers.putIfAbsent("Content-Type", file.mimeType());
        return new UploadTarget(put.url().toString(), headers);
    }

    @Override
    public OptionalLong seal(FileRecord file) {
        return call(() -> {
            HeadObjectResponse upload = head(file.uploadKey());
            if (upload == null) {
                // nothing uploaded, or sealed by an earlier attempt whose upload object is gone already
                HeadObjectResponse sealed = head(file.storageKey());
                return sealed == null ? OptionalLong.empty() : OptionalLong.of(sealed.contentLength());
            }
            try {
                s3.copyObject(c -> c.sourceBucket(bucket).sourceKey(file.uploadKey())
                        .destinationBucket(bucket).destinationKey(file.storageKey())
                        .copySourceIfMatch(upload.eTag()));
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 404) {
                    throw new ApiException(ErrorCode.FILE_STATE,
                            "the upload changed while it was being checked; call upload_access again");
                }
                throw e;
            }
            HeadObjectResponse sealed = head(file.storageKey());
            return sealed == null ? OptionalLong.empty() : OptionalLong.of(sealed.contentLength());
        });
    }

    @Override
    public InputStream open(FileRecord file) {
        return call(() -> s3.getObject(g -> g.bucket(bucket).key(file.storageKey())));
    }

    @Override
    public void discard(FileRecord file) {
        delete(file.storageKey());
        if (file.uploadKey() != null) {
            delete(file.uploadKey());
        }
    }

    @Override
    public void dropUpload(FileRecord file) {
        if (file.uploadKey() != null) {
            delete(file.uploadKey());
        }
    }

    @Override
    public String downloadUrl(String fileId, String fileName, String mimeType, Instant expiresAt, LinkBase base) {
        Duration valid = Duration.ofMillis(Math.max(1000, expiresAt.toEpochMilli() - System.currentTimeMillis()));
        return call(() -> presigner.presignGetObject(p -> p.signatureDuration(valid)
                .getObjectRequest(g -> g.bucket(bucket).key(storageKey(fileId))
                        .responseContentType(mimeType)
                        .responseContentDisposition(Downloads.contentDisposition(mimeType, fileName))))
                .url().toString());
    }

    private void delete(String key) {
        call(() -> s3.deleteObject(d -> d.bucket(bucket).key(key)));
    }

    private HeadObjectResponse head(String key) {
        try {
            return s3.headObject(h -> h.bucket(bucket).key(key));
        } catch (NoSuchKeyException missing) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Store failures become 503 for the client; the log names the failure, never a URL or signature. */
    private static <T> T call(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (SdkException e) {
            log.error("object store call failed: {}", e.getClass().getSimpleName()
                    + (e instanceof S3Exception s3e ? " (HTTP " + s3e.statusCode() + ")" : ""));
            throw new ApiException(ErrorCode.UNAVAILABLE, "the object store is unavailable, try again shortly",
                    DependencyFailure.RETRY_AFTER);
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
