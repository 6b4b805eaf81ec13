package io.medmsg.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Remembers tokens that verified, so that an app sending or polling with the same token is not
 * parsed and signature-checked on every request (a noticeable share of a send's CPU). A
 * remembered token is checked again on every use by {@code timestamps}, the checks that time can
 * change (expiry and not-before; its other claims passed when it was verified, and rerunning
 * them took 1.1 % of an idle poll's CPU). It is verified afresh after {@code maxAge}, so a key
 * withdrawn from a JWKS stops being honoured within that time. Tokens that fail are never
 * remembered. The map is bounded by clearing it.
 */
final class CachingJwtDecoder implements JwtDecoder {

    private final JwtDecoder decoder;
    private final OAuth2TokenValidator<Jwt> timestamps;
    private final Duration maxAge;
    private final int maxEntries;
    private final Clock clock;
    private final ConcurrentMap<String, Verified> verified = new ConcurrentHashMap<>();

    CachingJwtDecoder(JwtDecoder decoder, OAuth2TokenValidator<Jwt> timestamps, Duration maxAge, int maxEntries,
            Clock clock) {
        this.decoder = decoder;
        this.timestamps = timestamps;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Verified known = verified.get(token);
        if (known != null && now.isBefore(known.until())) {
            OAuth2TokenValidatorResult result = timestamps.validate(known.jwt());
            if (result.hasErrors()) {
                verified.remove(token);
                throw new JwtValidationException("the token is no longer valid", result.getErrors());
            }
            return known.jwt();
        }
        Jwt jwt = decoder.decode(token);
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
        verified.put(token, new Verified(jwt, now.plus(maxAge)));
        return jwt;
    }

    private record Verified(Jwt jwt, Instant until) {
    }
}
