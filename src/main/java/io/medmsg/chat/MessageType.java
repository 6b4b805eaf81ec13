package io.medmsg.chat;

import java.util.Locale;

/** The {@code msg_type} values of API.md; {@link #RECALLED} exists only in views. */
enum MessageType {
    TEXT, IMAGE, VOICE, VIDEO, FILE, CARD, SYSTEM, RECALL, RECALLED;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static MessageType fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** image/* → image, audio/* → voice, video/* → video, anything else → file. */
    static MessageType forMimeType(String mimeType) {
        if (mimeType.startsWith("image/")) {
            return IMAGE;
        }
        if (mimeType.startsWith("audio/")) {
            return VOICE;
        }
        if (mimeType.startsWith("video/")) {
            return VIDEO;
        }
        return FILE;
    }
}
