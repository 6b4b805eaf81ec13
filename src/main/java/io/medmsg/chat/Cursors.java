package io.medmsg.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import io.medmsg.db.ServerSecrets;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * Opaque cursors: the payload plus an HMAC over (kind, user, payload) with a secret kept in the
 * database. A cursor made up by a client, or issued to another user, fails the check (40002).
 */
@Component
class Cursors {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;

    private final ServerSecrets secrets;

    Cursors(ServerSecrets secrets) {
        this.secrets = secrets;
    }

    String issue(String kind, Side side, String userId, String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(kind, side, userId, body));
    }

    String verify(String kind, Side side, String userId, String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0 || cursor.length() > 512) {
            throw invalid();
        }
        try {
            byte[] body = DECODER.decode(cursor.substring(0, dot));
            byte[] given = DECODER.decode(cursor.substring(dot + 1));
            if (!MessageDigest.isEqual(given, mac(kind, side, userId, body))) {
                throw invalid();
            }
            return new String(body, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw invalid();
        }
    }

    private byte[] mac(String kind, Side side, String userId, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secrets.get("cursor"), "HmacSHA256"));
            mac.update((kind + "\n" + side.wire() + "\n" + userId + "\n").getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(body), MAC_BYTES);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException invalid() {
        return new ApiException(ErrorCode.BAD_CURSOR, "cursor is not one this server issued to you");
    }
}
