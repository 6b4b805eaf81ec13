package io.medmsg.files;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The allowed file types and the leading bytes ("magic") each must start with. A file whose
 * bytes do not match its declared type is rejected, so that a "PNG" served with
 * {@code image/png} really is one.
 */
final class ContentSniffer {

    /** How many leading bytes {@link #matches} needs. */
    static final int HEAD_BYTES = 16;

    private static final Map<String, Predicate<byte[]>> MAGIC = Map.ofEntries(
            Map.entry("image/jpeg", h -> startsWith(h, 0, 0xFF, 0xD8, 0xFF)),
            Map.entry("image/png", h -> startsWith(h, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)),
            Map.entry("image/gif", h -> startsWith(h, 0, "GIF87a") || startsWith(h, 0, "GIF89a")),
            Map.entry("image/webp", h -> startsWith(h, 0, "RIFF") && startsWith(h, 8, "WEBP")),
            Map.entry("audio/mpeg", h -> startsWith(h, 0, "ID3") || mpegFrameSync(h)),
            Map.entry("audio/mp4", ContentSniffer::isoBmff),
            Map.entry("video/mp4", ContentSniffer::isoBmff),
            Map.entry("audio/aac", ContentSniffer::adtsSync),
            Map.entry("audio/amr", h -> startsWith(h, 0, "#!AMR")),
            Map.entry("audio/webm", h -> startsWith(h, 0, 0x1A, 0x45, 0xDF, 0xA3)),
            Map.entry("audio/ogg", h -> startsWith(h, 0, "OggS")),
            Map.entry("application/pdf", h -> startsWith(h, 0, "%PDF-")));

    static final Set<String> ALLOWED = MAGIC.keySet();

    private ContentSniffer() {
    }

    static boolean allowed(String mimeType) {
        return MAGIC.containsKey(mimeType);
    }

    /** Whether {@code head} (the first bytes of the file, up to {@link #HEAD_BYTES}) fits {@code mimeType}. */
    static boolean matches(String mimeType, byte[] head) {
        Predicate<byte[]> check = MAGIC.get(mimeType);
        return check != null && check.test(head);
    }

    /** ISO base media file format: a box size, then {@code ftyp} at offset 4. */
    private static boolean isoBmff(byte[] h) {
        return startsWith(h, 4, "ftyp");
    }

    /** MPEG audio frame: 11 sync bits, a version other than "reserved" and a layer other than "reserved". */
    private static boolean mpegFrameSync(byte[] h) {
        if (h.length < 2 || (h[0] & 0xFF) != 0xFF || (h[1] & 0xE0) != 0xE0) {
            return false;
        }
        int version = (h[1] >> 3) & 0x03;
        int layer = (h[1] >> 1) & 0x03;
        return version != 0x01 && layer != 0x00;
    }

    /** ADTS (AAC): 12 sync bits 0xFFF, then the version bit, then layer 00. */
    private static boolean adtsSync(byte[] h) {
        return h.length >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xF6) == 0xF0;
    }

    private static boolean startsWith(byte[] h, int offset, String ascii) {
        byte[] magic = ascii.getBytes(StandardCharsets.US_ASCII);
        if (h.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (h[offset + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] h, int offset, int... magic) {
        if (h.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((h[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
