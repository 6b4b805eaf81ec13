package io.medmsg.events;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code medmsg.webhooks.*} (API.md §5), checked at start-up: each endpoint's URL is http(s), its
 * secrets are Standard Webhooks {@code whsec_} secrets, its events are types of §5. Several
 * secrets (comma-separated) sign each request several times, for key rotation. Whether plain
 * http is allowed depends on the profile ({@link Endpoints}).
 */
@ConfigurationProperties("medmsg.webhooks")
record WebhookSettings(
        List<Endpoint> endpoints,
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue("16") int concurrency,
        @DefaultValue("15s") Duration timeout,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("200ms") Duration pollInterval) {

    /** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h after the 1st..9th failed attempt; then failed. */
    static final List<Duration> RETRIES = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14), Duration.ofHours(20),
            Duration.ofHours(24));

    WebhookSettings {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        require(concurrency >= 1 && concurrency <= 1000, "medmsg.webhooks.concurrency must be 1-1000");
        require(timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofSeconds(15)) <= 0,
                "medmsg.webhooks.timeout must be between 1ms and 15s (API.md §5)");
        require(lease.compareTo(timeout.multipliedBy(2)) >= 0, "medmsg.webhooks.lease must be at least twice the timeout, "
                + "so that a delivery in flight is never taken over by another instance");
        require(pollInterval.toMillis() >= 1, "medmsg.webhooks.poll-interval must be at least 1ms");
        Set<String> urls = new HashSet<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            require(e != null && urls.add(e.url()), "medmsg.webhooks.endpoints[" + i + "].url is configured twice");
        }
    }

    /** One receiver: its URL (the endpoint's name in the admin API), its secrets and the types it receives. */
    record Endpoint(String url, List<String> secret, List<String> events) {

        Endpoint {
            require(url != null && !url.isBlank(), "medmsg.webhooks.endpoints[N].url is required");
            url = url.strip();
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("medmsg.webhooks.endpoints[N].url is not a URL: " + url);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            require((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null,
                    "medmsg.webhooks.endpoints[N].url must be an http or https URL, not " + url);
            require(url.length() <= 255, "medmsg.webhooks.endpoints[N].url must be at most 255 characters: " + url);
            require(secret != null && !secret.isEmpty(), "medmsg.webhooks.endpoints[N].secret is required for " + url);
            secret = secret.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            require(!secret.isEmpty(), "medmsg.webhooks.endpoints[N].secret is required for " + url);
            for (String s : secret) {
                key(s, url);
            }
            events = events == null || events.isEmpty() ? List.copyOf(Outbox.TYPES) : events.stream().map(String::strip).toList();
            for (String type : events) {
                require(Outbox.TYPES.contains(type), "medmsg.webhooks.endpoints[N].events of " + url
                        + " names " + type + ", which is not an event type of API.md §5");
            }
        }

        boolean https() {
            return url.regionMatches(true, 0, "https:", 0, 6);
        }

        List<byte[]> keys() {
            return secret.stream().map(s -> key(s, url)).toList();
        }

        private static byte[] key(String secret, String url) {
            require(secret.startsWith("whsec_"), "medmsg.webhooks.endpoints[N].secret of " + url
                    + " must be a Standard Webhooks secret: whsec_ followed by base64");
            try {
                byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
                require(key.length >= 24, "medmsg.webhooks.endpoints[N].secret of " + url + " must hold at least 24 bytes");
                return key;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("medmsg.webhooks.endpoints[N].secret of " + url
                        + " is not whsec_ followed by base64");
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
