package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.support.Tokens;

/** The EC (P-256) PEM path of the verifier, and the configuration rules around it. */
class TokenVerifierTest {

    private static final Duration SKEW = Duration.ofSeconds(10);

    @Test
    void ecPublicKeyPemVerifiesEs256AndRefusesOthers() {
        KeyPair ec = KeyPairs.ec();
        JwtDecoder decoder = TokenVerifier.build(new MedMsgProperties.Auth(null, null, KeyPairs.pem(ec), null, null, SKEW), null);
        assertThat(decoder.decode(KeyPairs.es256(ec, Tokens.claims("d1", "doctor").build(), "k")).getSubject())
                .isEqualTo("d1");
        assertThatThrownBy(() -> decoder.decode(KeyPairs.es256(KeyPairs.ec(), Tokens.claims("d1", "doctor").build(), "k")))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(Tokens.hs256(Tokens.claims("d1", "doctor").build(), KeyPairs.pem(ec))))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void twoVerifiersAtOnceAreRefused() {
        assertThatThrownBy(() -> new MedMsgProperties.Auth(Tokens.SECRET, "http://idp/jwks", null, null, null, SKEW))
                .hasMessageContaining("Set only one of");
    }

    @Test
    void shortSecretIsRefused() {
        assertThatThrownBy(() -> new MedMsgProperties.Auth("short", null, null, null, null, SKEW))
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void somethingThatIsNotAPemKeyIsRefused() {
        assertThatThrownBy(() -> TokenVerifier.readPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .hasMessageContaining("medmsg.auth.public-key");
    }
}
