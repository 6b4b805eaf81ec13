package io.medmsg.files;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The {@code medmsg.storage.*} settings, checked at start-up: an impossible value stops the
 * service with a message that names the setting.
 */
@ConfigurationProperties("medmsg.storage")
record StorageSettings(
        @DefaultValue("local") String type,
        @DefaultValue("20MB") DataSize maxFileBytes,
        @DefaultValue("15m") Duration slotTtl,
        @DefaultValue("1h") Duration downloadTtl,
        @DefaultValue("5") int maxPendingSlots,
        @DefaultValue("5m") Duration cleanupInterval,
        String publicBaseUrl,
        String urlSecret,
        @DefaultValue S3 s3) {

    static final String LOCAL = "local";
    static final String S3_TYPE = "s3";

    StorageSettings {
        type = type == null ? LOCAL : type.strip().toLowerCase(java.util.Locale.ROOT);
        publicBaseUrl = blankToNull(publicBaseUrl);
        urlSecret = blankToNull(urlSecret);
        require(LOCAL.equals(type) || S3_TYPE.equals(type), "medmsg.storage.type must be local or s3, not " + type);
        require(maxFileBytes.toBytes() >= 1, "medmsg.storage.max-file-bytes must be at least 1 byte");
        require(slotTtl.compareTo(Duration.ofSeconds(10)) >= 0 && slotTtl.compareTo(Duration.ofDays(7)) <= 0,
                "medmsg.storage.slot-ttl must be between 10s and 7d");
        require(downloadTtl.compareTo(Duration.ofSeconds(10)) >= 0 && downloadTtl.compareTo(Duration.ofDays(7)) <= 0,
                "medmsg.storage.download-ttl must be between 10s and 7d (the longest an S3 presigned URL may live)");
        require(maxPendingSlots >= 1, "medmsg.storage.max-pending-slots must be at least 1");
        require(cleanupInterval.compareTo(Duration.ofSeconds(1)) >= 0, "medmsg.storage.cleanup-interval must be at least 1s");
        if (publicBaseUrl != null) {
            publicBaseUrl = publicBaseUrl.replaceAll("/+$", "");
            URI uri = URI.create(publicBaseUrl);
            require(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                    "medmsg.storage.public-base-url must be an absolute http or https URL");
        }
        require(urlSecret == null || urlSecret.getBytes(StandardCharsets.UTF_8).length >= 32,
                "medmsg.storage.url-secret must be at least 32 bytes long");
        if (S3_TYPE.equals(type)) {
            s3.verify();
        }
    }

    boolean isS3() {
        return S3_TYPE.equals(type);
    }

    /**
     * How long a download link lives. A presigned S3 URL cannot be taken back (MedMsg never sees
     * it used), so on S3 it lives only the shorter {@code s3.download-ttl}; clients get a fresh
     * one on every read. A local URL is checked again on every use, recall included.
     */
    Duration linkTtl() {
        return isS3() && s3.downloadTtl().compareTo(downloadTtl) < 0 ? s3.downloadTtl() : downloadTtl;
    }

    /** An S3-compatible store (AWS S3, MinIO, OSS, COS); used when {@code type} is {@code s3}. */
    record S3(String endpoint, String region, String bucket, String accessKey, String secretKey,
            @DefaultValue("false") boolean pathStyle, @DefaultValue("5m") Duration downloadTtl) {

        S3 {
            require(downloadTtl.compareTo(Duration.ofSeconds(10)) >= 0 && downloadTtl.compareTo(Duration.ofDays(7)) <= 0,
                    "medmsg.storage.s3.download-ttl must be between 10s and 7d");
            endpoint = blankToNull(endpoint);
            region = blankToNull(region);
            bucket = blankToNull(bucket);
            accessKey = blankToNull(accessKey);
            secretKey = blankToNull(secretKey);
        }

        void verify() {
            require(bucket != null, "medmsg.storage.type=s3 needs medmsg.storage.s3.bucket (MEDMSG_STORAGE_S3_BUCKET)");
            require(region != null, "medmsg.storage.type=s3 needs medmsg.storage.s3.region (MEDMSG_STORAGE_S3_REGION)");
            require(accessKey != null || secretKey == null,
                    "medmsg.storage.s3.secret-key is set but medmsg.storage.s3.access-key (MEDMSG_STORAGE_S3_ACCESS_KEY) is missing");
            require(secretKey != null || accessKey == null,
                    "medmsg.storage.s3.access-key is set but medmsg.storage.s3.secret-key (MEDMSG_STORAGE_S3_SECRET_KEY) is missing");
            if (endpoint != null) {
                URI uri = URI.create(endpoint);
                require(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                        "medmsg.storage.s3.endpoint must be an absolute http or https URL");
            }
        }

        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle=" + pathStyle
                    + ", downloadTtl=" + downloadTtl + "]";
        }
    }

    @Override
    public String toString() {
        return "StorageSettings[type=" + type + ", maxFileBytes=" + maxFileBytes + ", slotTtl=" + slotTtl
                + ", downloadTtl=" + downloadTtl + ", s3=" + s3 + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
