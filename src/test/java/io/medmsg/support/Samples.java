package io.medmsg.support;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Minimal valid leading bytes of every allowed type, padded with a deterministic tail. */
public final class Samples {

    private Samples() {
    }

    public static final Map<String, byte[]> HEADERS = new LinkedHashMap<>();

    static {
        HEADERS.put("image/jpeg", bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00));
        HEADERS.put("image/png", bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'));
        HEADERS.put("image/gif", ascii("GIF89a\u0001\u0000\u0001\u0000"));
        HEADERS.put("image/webp", concat(ascii("RIFF"), bytes(0x24, 0, 0, 0), ascii("WEBPVP8 ")));
        HEADERS.put("audio/mpeg", ascii("ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000"));
        HEADERS.put("audio/mp4", concat(bytes(0, 0, 0, 0x18), ascii("ftypM4A \u0000\u0000\u0000\u0000")));
        HEADERS.put("video/mp4", concat(bytes(0, 0, 0, 0x18), ascii("ftypisom\u0000\u0000\u0002\u0000")));
        HEADERS.put("audio/aac", bytes(0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC));
        HEADERS.put("audio/amr", ascii("#!AMR\n"));
        HEADERS.put("audio/webm", bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01));
        HEADERS.put("audio/ogg", ascii("OggS\u0000\u0002\u0000\u0000"));
        HEADERS.put("application/pdf", ascii("%PDF-1.7\n"));
    }

    /** A file of {@code size} bytes of this type: its header, then pseudo-random bytes. */
    public static byte[] of(String mime, int size) {
        byte[] header = HEADERS.get(mime);
        byte[] out = new byte[size];
        new Random(size * 31L + mime.hashCode()).nextBytes(out);
        System.arraycopy(header, 0, out, 0, Math.min(header.length, size));
        return out;
    }

    public static byte[] png(int size) {
        return of("image/png", size);
    }

    public static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        byte[] out = new byte[0];
        for (byte[] part : parts) {
            int at = out.length;
            out = Arrays.copyOf(out, at + part.length);
            System.arraycopy(part, 0, out, at, part.length);
        }
        return out;
    }
}
