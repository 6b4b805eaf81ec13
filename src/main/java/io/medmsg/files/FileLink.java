package io.medmsg.files;

/** A signed download URL and when it stops working (ms since the epoch). */
public record FileLink(String url, long expiresAt) {
}
