package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import io.medmsg.support.Tokens;

/** A remembered token is still checked on every use; only the signature check is saved. */
class CachingJwtDecoderTest {

    private final MutableClock clock = new MutableClock(Instant.now());
    private final AtomicInteger verifications = new AtomicInteger();

    @Test
    void aTokenSeenBeforeIsNotVerifiedAgain() {
        JwtDecoder decoder = caching();
        String token = token(Duration.ofHours(1));
        assertThat(decoder.decode(token).getSubject()).isEqualTo("p1");
        assertThat(decoder.decode(token).getSubject()).isEqualTo("p1");
        assertThat(verifications).hasValue(1);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() {
        JwtDecoder decoder = caching();
        String token = token(Duration.ofSeconds(30));
        decoder.decode(token);
        // past exp and the validator's 60 s of clock skew, but within the 10 min of remembering
        clock.advance(Duration.ofSeconds(100));
        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtException.class);
    }

    @Test
    void aTokenIsVerifiedAgainAfterMaxAge() {
        JwtDecoder decoder = caching();
        String token = token(Duration.ofHours(1));
        decoder.decode(token);
        clock.advance(Duration.ofMinutes(11));
        decoder.decode(token);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aRefusedTokenIsNotRemembered() {
        JwtDecoder decoder = caching();
        String forged = Tokens.hs256(Tokens.claims("p1", "patient").build(), "another-secret-of-at-least-thirty-two-bytes");
        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(JwtException.class);
        assertThat(verifications).hasValue(2);
    }

    private JwtDecoder caching() {
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        NimbusJwtDecoder nimbus = NimbusJwtDecoder
                .withSecretKey(new SecretKeySpec(Tokens.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .macAlgorithm(MacAlgorithm.HS256).build();
        nimbus.setJwtValidator(timestamps);
        JwtDecoder counted = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
        return new CachingJwtDecoder(counted, timestamps, Duration.ofMinutes(10), 100, clock);
    }

    private String token(Duration lifetime) {
        return Tokens.hs256(Tokens.claims("p1", "patient").expirationTime(Date.from(clock.instant().plus(lifetime))).build());
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
