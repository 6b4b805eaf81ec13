package io.medmsg.chat;

import java.util.regex.Pattern;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.web.ApiException;

/** Validation of what a client sends, each failure naming the field (400/40001). */
final class MessageRules {

    static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private MessageRules() {
    }

    static String text(String text, MedMsgProperties.Limits limits) {
        if (text == null) {
            throw ApiException.badParameter("text is required");
        }
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints < 1 || codePoints > limits.textMaxCodePoints()) {
            throw ApiException.badParameter("text must be 1-" + limits.textMaxCodePoints() + " characters long");
        }
        boolean onlySpace = true;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                throw ApiException.badParameter("text must not contain control characters other than tab and line breaks");
            }
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                onlySpace = false;
            }
            i += Character.charCount(c);
        }
        if (onlySpace) {
            throw ApiException.badParameter("text must not be only whitespace");
        }
        return text;
    }

    static String clientMsgId(String clientMsgId) {
        if (clientMsgId != null && !CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
            throw ApiException.badParameter("client_msg_id must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -");
        }
        return clientMsgId;
    }

    /** A required id field; a malformed one cannot exist, so it is a bad parameter, not a 404. */
    static String id(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.badParameter(field + " is required");
        }
        if (!ID.matcher(value).matches()) {
            throw ApiException.badParameter(field + " must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        return value;
    }
}
