package io.medmsg.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.config.SecretFile;

/**
 * HMAC-SHA256 signatures of the local upload and download URLs. An upload signature binds the
 * file id, its declared size and type and the expiry; a download signature binds the file id and
 * the expiry. The key is {@code medmsg.storage.url-secret}, or else a random secret generated
 * once into {@code <data-dir>/url-secret} (mode 600). Signatures are never logged.
 */
@Component
class UrlSigner {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    @Autowired
    UrlSigner(StorageSettings settings, MedMsgProperties properties) {
        this(settings.urlSecret() != null ? settings.urlSecret().getBytes(StandardCharsets.UTF_8)
                : SecretFile.readOrCreate(properties.dataDir().resolve("url-secret"), "file URL signing secret",
                        "medmsg.storage.url-secret"));
    }

    UrlSigner(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    String signUpload(String fileId, long size, String mimeType, long expiresAt) {
        return sign("PUT\n" + fileId + "\n" + size + "\n" + mimeType + "\n" + expiresAt);
    }

    String signDownload(String fileId, long expiresAt) {
        return sign("GET\n" + fileId + "\n" + expiresAt);
    }

    boolean verifyUpload(String fileId, long size, String mimeType, long expiresAt, String signature) {
        return matches(signUpload(fileId, size, mimeType, expiresAt), signature);
    }

    boolean verifyDownload(String fileId, long expiresAt, String signature) {
        return matches(signDownload(fileId, expiresAt), signature);
    }

    private static boolean matches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
