package io.medmsg.moderation;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code medmsg.moderation.*} (API.md §5), checked at start-up: the word list's file (one word a
 * line), the before-send callback's http(s) URL, its {@code whsec_} secret (requests are signed as
 * webhooks are), its timeout, and what happens when it fails: {@code allow} or {@code reject}.
 */
@ConfigurationProperties("medmsg.moderation")
record ModerationSettings(
        Path wordsFile,
        String url,
        String secret,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("allow") String onFailure) {

    ModerationSettings {
        url = url == null || url.isBlank() ? null : url.strip();
        secret = secret == null || secret.isBlank() ? null : secret.strip();
        onFailure = onFailure.strip().toLowerCase(Locale.ROOT);
        require(onFailure.equals("allow") || onFailure.equals("reject"),
                "medmsg.moderation.on-failure must be allow or reject, not " + onFailure);
        require(timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofSeconds(30)) <= 0,
                "medmsg.moderation.timeout must be between 1ms and 30s");
        require(wordsFile == null || Files.isReadable(wordsFile),
                "medmsg.moderation.words-file " + wordsFile + " is not a readable file");
        if (url != null) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("medmsg.moderation.url is not a URL: " + url);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            require((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null,
                    "medmsg.moderation.url must be an http or https URL, not " + url);
            require(secret != null && secret.startsWith("whsec_"),
                    "medmsg.moderation.secret (whsec_ followed by base64) is required with medmsg.moderation.url");
        }
    }

    boolean rejectOnFailure() {
        return onFailure.equals("reject");
    }

    byte[] key() {
        try {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("medmsg.moderation.secret is not whsec_ followed by base64");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
