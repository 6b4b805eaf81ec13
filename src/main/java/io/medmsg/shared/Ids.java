package io.medmsg.shared;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Opaque ids: 48 bits of milliseconds then 80 random bits, as 32 hex digits. The time prefix
 * keeps new rows together in the primary-key index; the random part makes ids unguessable.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        long now = System.currentTimeMillis();
        for (int i = 5; i >= 0; i--) {
            bytes[i] = (byte) now;
            now >>>= 8;
        }
        return HexFormat.of().formatHex(bytes);
    }
}
