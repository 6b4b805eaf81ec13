package io.medmsg.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every {@code medmsg.*} setting, bound once and checked at start-up so that an impossible
 * combination stops the service with a message naming the setting.
 */
@ConfigurationProperties("medmsg")
public record MedMsgProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Auth auth,
        @DefaultValue Demo demo,
        @DefaultValue Limits limits,
        @DefaultValue Realtime realtime,
        @DefaultValue Consultations consultations,
        @DefaultValue List<String> trustedProxies,
        @DefaultValue Cors cors) {

    public MedMsgProperties {
        dataDir = dataDir.toAbsolutePath().normalize();
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        // parsed here too, so that a mistyped entry stops start-up at binding
        TrustedProxies.of(trustedProxies);
    }

    /** {@code medmsg.trusted-proxies}: the peers whose forwarded headers are believed (none by default). */
    public TrustedProxies proxies() {
        return TrustedProxies.of(trustedProxies);
    }

    /**
     * Exactly one verifier may be configured; none means "generate an HS256 secret". {@code
     * clockSkew} is how far the issuer's clock may differ from ours: a token is accepted that long
     * after its {@code exp} and before its {@code nbf}.
     */
    public record Auth(String hs256Secret, String jwkSetUri, String publicKey, String issuer, String audience,
            @DefaultValue("10s") Duration clockSkew) {

        public Auth {
            hs256Secret = blankToNull(hs256Secret);
            jwkSetUri = blankToNull(jwkSetUri);
            publicKey = blankToNull(publicKey);
            issuer = blankToNull(issuer);
            audience = blankToNull(audience);
            require(clockSkew != null && !clockSkew.isNegative(), "medmsg.auth.clock-skew must not be negative");
            int configured = (hs256Secret != null ? 1 : 0) + (jwkSetUri != null ? 1 : 0) + (publicKey != null ? 1 : 0);
            if (configured > 1) {
                throw new IllegalStateException("Set only one of medmsg.auth.hs256-secret, medmsg.auth.public-key "
                        + "and medmsg.auth.jwk-set-uri: they are alternative ways to verify tokens");
            }
            if (hs256Secret != null && hs256Secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new IllegalStateException("medmsg.auth.hs256-secret (MEDMSG_AUTH_HS256_SECRET) must be at least 32 bytes long");
            }
        }

        public boolean usesSharedSecret() {
            return jwkSetUri == null && publicKey == null;
        }

        public boolean hasExplicitVerifier() {
            return hs256Secret != null || jwkSetUri != null || publicKey != null;
        }
    }

    /** {@code allowRemote}: demo tokens for clients on other machines too (by default loopback only). */
    public record Demo(@DefaultValue("true") boolean enabled, @DefaultValue("false") boolean allowRemote) {
    }

    /**
     * The limits of API.md section 1; all configurable, defaults as documented there. {@code
     * streamsPerUser} and {@code heldPollsPerUser} bound what one user (one stolen token, one
     * buggy client) can hold on an instance: its oldest event stream is closed past the first, a
     * new held long-poll is refused (429) past the second. The defaults are far above what an app
     * uses (a stream or two per device, a poll per open conversation).
     */
    public record Limits(
            @DefaultValue("4000") int textMaxCodePoints,
            @DefaultValue("65536") int jsonBodyBytes,
            @DefaultValue("10") double sendRatePerSecond,
            @DefaultValue("20") int sendBurst,
            @DefaultValue("120s") Duration recallWindow,
            @DefaultValue("5") int streamsPerUser,
            @DefaultValue("20") int heldPollsPerUser) {

        public Limits {
            require(textMaxCodePoints >= 1, "medmsg.limits.text-max-code-points must be at least 1");
            require(jsonBodyBytes >= 1024, "medmsg.limits.json-body-bytes must be at least 1024");
            require(sendRatePerSecond > 0, "medmsg.limits.send-rate-per-second must be positive");
            require(sendBurst >= 1, "medmsg.limits.send-burst must be at least 1");
            require(!recallWindow.isNegative(), "medmsg.limits.recall-window must not be negative");
            require(streamsPerUser >= 1, "medmsg.limits.streams-per-user must be at least 1, not " + streamsPerUser);
            require(heldPollsPerUser >= 1, "medmsg.limits.held-polls-per-user must be at least 1, not " + heldPollsPerUser);
        }
    }

    /**
     * {@code medmsg.cors.allowed-origins}: the web origins (scheme://host[:port]) whose pages may call
     * the API from a browser; none by default. {@code *} allows any origin (refused in the prod
     * profile by {@link ProfileGuard}). Credentials are never allowed: tokens travel in a header.
     */
    public record Cors(@DefaultValue List<String> allowedOrigins) {

        private static final Pattern ORIGIN =
                Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");

        public Cors {
            allowedOrigins = allowedOrigins == null ? List.of()
                    : allowedOrigins.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
            for (String origin : allowedOrigins) {
                require(origin.equals("*") || ORIGIN.matcher(origin).matches(), "medmsg.cors.allowed-origins: " + origin
                        + " is not an origin: write scheme://host or scheme://host:port, without a path or a trailing /");
            }
        }

        public boolean anyOrigin() {
            return allowedOrigins.contains("*");
        }
    }

    /** Event streams: a comment is sent after this long without an event, so proxies keep the line open. */
    public record Realtime(@DefaultValue("15s") Duration heartbeat) {

        public Realtime {
            require(!heartbeat.isNegative() && !heartbeat.isZero(), "medmsg.realtime.heartbeat must be positive");
        }
    }

    /**
     * Consultations (API.md §4). {@code open}: a patient's message opens a free consultation when
     * none is open (the seed's behaviour); {@code managed}: only the hospital's back end opens them.
     */
    public record Consultations(
            @DefaultValue("open") String mode,
            @DefaultValue Free free,
            @DefaultValue("24h") Duration doctorGrace,
            @DefaultValue("15s") Duration sweepInterval) {

        public Consultations {
            mode = mode.strip().toLowerCase(java.util.Locale.ROOT);
            require(mode.equals("open") || mode.equals("managed"),
                    "medmsg.consultations.mode must be open or managed, not " + mode);
            require(!doctorGrace.isNegative(), "medmsg.consultations.doctor-grace must not be negative");
            require(!sweepInterval.isNegative() && !sweepInterval.isZero()
                    && sweepInterval.compareTo(Duration.ofSeconds(60)) <= 0,
                    "medmsg.consultations.sweep-interval must be between 1ms and 60s: deadlines are kept within 60s");
        }

        public boolean managed() {
            return mode.equals("managed");
        }
    }

    /** The limits of a consultation nobody set limits for: the free one of open mode, and the defaults of admin opens. */
    public record Free(
            Integer roundsLimit,
            @DefaultValue("24h") Duration acceptWithin,
            @DefaultValue("48h") Duration duration) {

        public Free {
            require(roundsLimit == null || roundsLimit >= 1, "medmsg.consultations.free.rounds-limit must be at least 1 when set");
            require(acceptWithin.toSeconds() >= 1, "medmsg.consultations.free.accept-within must be at least 1s");
            require(duration.toSeconds() >= 1, "medmsg.consultations.free.duration must be at least 1s");
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
