package io.medmsg.files;

import java.nio.charset.StandardCharsets;

/** How a download presents itself to a browser: disposition and the headers that keep it inert. */
final class Downloads {

    static final String CSP = "sandbox; default-src 'none'";

    private Downloads() {
    }

    static boolean inline(String mimeType) {
        return mimeType.startsWith("image/") || mimeType.startsWith("audio/") || mimeType.startsWith("video/");
    }

    /** {@code inline} for media, {@code attachment} otherwise; an ASCII fallback name plus RFC 5987 UTF-8. */
    static String contentDisposition(String mimeType, String fileName) {
        return (inline(mimeType) ? "inline" : "attachment") + "; filename=\"" + asciiFallback(fileName)
                + "\"; filename*=UTF-8''" + rfc5987(fileName);
    }

    static String asciiFallback(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\' && cp != '%'
                ? (char) cp : '_'));
        return out.toString();
    }

    static String rfc5987(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
