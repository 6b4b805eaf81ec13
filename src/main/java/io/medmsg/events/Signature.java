package io.medmsg.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code v1,} and the base64 HMAC-SHA256 of {@code "{id}.{timestamp}.{body}"},
 * one per key, space-separated (a receiver accepts the request if any of them verifies, which is
 * how a secret is rotated without a gap).
 */
public final class Signature {

    private Signature() {
    }

    /** The {@code webhook-signature} header's value: one {@code v1,} signature per key. */
    public static String header(List<byte[]> keys, String id, long timestampSeconds, String body) {
        String signed = id + "." + timestampSeconds + "." + body;
        return keys.stream().map(key -> "v1," + hmac(key, signed)).collect(Collectors.joining(" "));
    }

    private static String hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
