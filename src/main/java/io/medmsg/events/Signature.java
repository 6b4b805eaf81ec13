package io.medmsg.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

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
        return signer(keys).header(id, timestampSeconds, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs with these keys from now on: each key's {@link Mac} is made and initialised once, here. */
    static Signer signer(List<byte[]> keys) {
        return new Signer(keys.stream().map(Signature::mac).toList());
    }

    /**
     * The keys of one endpoint, ready to sign. Safe to share between threads: each signature is
     * made on a clone of a key's initialised {@code Mac} (a {@code Mac} is not thread-safe; the
     * signature, clone included, costs about a microsecond a delivery: docs/benchmarks.md).
     */
    static final class Signer {

        private static final byte[] DOT = {'.'};

        private final List<Mac> prototypes;

        private Signer(List<Mac> prototypes) {
            this.prototypes = prototypes;
        }

        /** The {@code webhook-signature} header's value for this body (UTF-8, as sent). */
        String header(String id, long timestampSeconds, byte[] body) {
            byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
            byte[] timestamp = Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII);
            StringBuilder header = new StringBuilder(prototypes.size() * 48);
            for (Mac prototype : prototypes) {
                Mac mac = copy(prototype);
                mac.update(idBytes);
                mac.update(DOT);
                mac.update(timestamp);
                mac.update(DOT);
                mac.update(body);
                if (!header.isEmpty()) {
                    header.append(' ');
                }
                header.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal()));
            }
            return header.toString();
        }

        private static Mac copy(Mac prototype) {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
            }
        }
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
