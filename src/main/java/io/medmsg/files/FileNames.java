package io.medmsg.files;

import io.medmsg.web.ApiException;

/**
 * Client-given file names are only ever shown (in messages and Content-Disposition), never used
 * as storage keys; still, they are cleaned so that no path, control character or bidi override
 * reaches a viewer.
 */
final class FileNames {

    static final int MAX_CODE_POINTS = 255;

    private FileNames() {
    }

    /** The last path segment, without control, format-override or surrounding blank characters. */
    static String sanitise(String raw) {
        if (raw == null) {
            throw ApiException.badParameter("file_name is required");
        }
        String name = raw;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().filter(cp -> !unwanted(cp)).forEach(clean::appendCodePoint);
        name = clean.toString().strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw ApiException.badParameter("file_name must name a file (it is empty once path separators and "
                    + "control characters are removed)");
        }
        if (name.codePointCount(0, name.length()) > MAX_CODE_POINTS) {
            throw ApiException.badParameter("file_name must be at most " + MAX_CODE_POINTS + " characters");
        }
        return name;
    }

    private static boolean unwanted(int cp) {
        return Character.isISOControl(cp)
                || (cp >= 0x202A && cp <= 0x202E)   // bidi embeddings and overrides
                || (cp >= 0x2066 && cp <= 0x2069)   // bidi isolates
                || cp == 0x200E || cp == 0x200F || cp == 0x061C // direction marks
                || cp == 0xFEFF
                || Character.getType(cp) == Character.SURROGATE; // unpaired halves
    }
}
