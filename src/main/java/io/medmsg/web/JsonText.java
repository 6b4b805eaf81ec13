package io.medmsg.web;

import java.util.ArrayDeque;
import java.util.Deque;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Jackson lets through in a JSON body and we do not: bytes that are not UTF-8 (Jackson
 * decodes the overlong {@code C0 AF} as "/", the trick that slips a character past a filter
 * looking for it) and {@code \\u} escapes of a surrogate without its pair (a string that no
 * UTF-8 client can store or show). Checked on the raw bytes, before binding, for every JSON body:
 * by {@link StrictBodies}.
 */
public final class JsonText {

    private JsonText() {
    }

    /** Null when the body is clean; else what is wrong, naming the field, for a 400. */
    public static String problem(byte[] body, JsonMapper json) {
        int at = firstProblem(body);
        if (at < 0) {
            return null;
        }
        String field = fieldAt(body, at, json);
        String what = body[at] == '\\' ? "has a \\u escape of half a surrogate pair" : "is not valid UTF-8";
        return field == null ? "the request body " + what : "the request body field " + field + " " + what;
    }

    /**
     * The offset of the first byte that is not strict UTF-8 (RFC 3629: no overlong forms, no
     * encoded surrogates, nothing past U+10FFFF), or of the backslash of an unpaired surrogate
     * escape; -1 when there is none. Escapes are recognised wherever a backslash is, which outside
     * a string is invalid JSON anyway.
     */
    static int firstProblem(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c == '\\') {
                if (i + 1 < b.length && b[i + 1] == 'u') {
                    int unit = hex4(b, i + 2);
                    if (unit >= 0xD800 && unit <= 0xDBFF) {
                        int low = i + 6 < b.length && b[i + 6] == '\\' && i + 7 < b.length && b[i + 7] == 'u'
                                ? hex4(b, i + 8) : -1;
                        if (low < 0xDC00 || low > 0xDFFF) {
                            return i;
                        }
                        i += 12;
                        continue;
                    }
                    if (unit >= 0xDC00 && unit <= 0xDFFF) {
                        return i;
                    }
                    i += 6;
                    continue;
                }
                // any other escape is two bytes; the second may be a backslash ("\\")
                i += 2;
                continue;
            }
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            int max = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                // E0: no overlong forms; ED: no surrogates (U+D800-U+DFFF)
                min = c == 0xE0 ? 0xA0 : 0x80;
                max = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                // F0: no overlong forms; F4: nothing past U+10FFFF
                min = c == 0xF0 ? 0x90 : 0x80;
                max = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                // C0, C1 (overlong by construction), F5-FF, or a stray continuation byte
                return i;
            }
            if (i + n >= b.length) {
                // cut short at the end of the body
                return i;
            }
            int second = b[i + 1] & 0xff;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k <= n; k++) {
                int next = b[i + k] & 0xff;
                if (next < 0x80 || next > 0xBF) {
                    return i;
                }
            }
            i += n + 1;
        }
        return -1;
    }

    /** The value of four hex digits at {@code at}, or -1. */
    private static int hex4(byte[] b, int at) {
        if (at + 4 > b.length) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[at + k], 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /**
     * Which field the byte at {@code at} belongs to: the JSON before it is parsed up to there, and
     * where the parser stands when the input runs out is the field. Null when it is not in one.
     */
    static String fieldAt(byte[] body, int at, JsonMapper json) {
        String field = null;
        try (JsonParser parser = json.createParser(body, 0, at)) {
            while (parser.nextToken() != null) {
                field = path(parser.streamReadContext());
            }
        } catch (JacksonException endOfInput) {
            // the input ends inside the string that holds the problem: the context says whose it is
        }
        return field;
    }

    /** {@code card.fields[0].value}: the names and indexes from the root to the parser's place. */
    private static String path(TokenStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                if (c.currentName() != null) {
                    parts.addFirst("." + c.currentName());
                }
            } else if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }
}
