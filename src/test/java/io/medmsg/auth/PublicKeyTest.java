package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/** RS256 with a configured PEM public key, as a hospital with its own identity system runs it. */
class PublicKeyTest extends ApiTest {

    private static final KeyPair KEYS = KeyPairs.rsa();
    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    @DynamicPropertySource
    static void publicKey(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.auth.hs256-secret", () -> "");
        registry.add("medmsg.auth.public-key", () -> KeyPairs.pem(KEYS));
        registry.add("medmsg.demo.enabled", () -> "false");
    }

    @Test
    void tokenSignedWithThePrivateKeyIsAccepted() {
        String token = KeyPairs.rs256(KEYS, Tokens.claims("p1", "patient").build(), "k1");
        assertThat(api.get(DIRECTORY, token).status()).isEqualTo(200);
    }

    @Test
    void tokenSignedWithAnotherRsaKeyIsRefused() {
        String token = KeyPairs.rs256(KeyPairs.rsa(), Tokens.claims("p1", "patient").build(), "k1");
        assertThat(api.get(DIRECTORY, token).code()).isEqualTo(40101);
    }

    @Test
    void hmacTokenKeyedWithThePublicKeyIsRefused() {
        String confused = Tokens.hs256(Tokens.claims("p1", "patient").build(), KeyPairs.pem(KEYS));
        assertThat(api.get(DIRECTORY, confused).code()).isEqualTo(40101);
    }

    @Test
    void demoTokensAreNotServedWhenDemoIsOff() {
        assertThat(api.post("/demo/token", null, Tokens.body("role", "patient", "user_id", "p1")).status())
                .isEqualTo(404);
    }
}
