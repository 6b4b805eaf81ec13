package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/** RS256 and ES256 keys fetched from a JWKS endpoint served over real HTTP. */
class JwksTest extends ApiTest {

    private static final KeyPair RSA = KeyPairs.rsa();
    private static final KeyPair EC = KeyPairs.ec();
    private static final HttpServer IDP = startIdp();
    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    @DynamicPropertySource
    static void jwks(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.auth.hs256-secret", () -> "");
        registry.add("medmsg.auth.jwk-set-uri",
                () -> "http://127.0.0.1:" + IDP.getAddress().getPort() + "/.well-known/jwks.json");
        registry.add("medmsg.demo.enabled", () -> "false");
    }

    private static HttpServer startIdp() {
        try {
            JWKSet set = new JWKSet(java.util.List.of(
                    new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("rsa-1").build(),
                    new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("ec-1").build()));
            byte[] body = set.toString().getBytes(StandardCharsets.UTF_8);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/.well-known/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopIdp() {
        IDP.stop(0);
    }

    @Test
    void rs256TokenFromTheKeySetIsAccepted() {
        assertThat(api.get(DIRECTORY, KeyPairs.rs256(RSA, Tokens.claims("p1", "patient").build(), "rsa-1")).status())
                .isEqualTo(200);
    }

    @Test
    void es256TokenFromTheKeySetIsAccepted() {
        assertThat(api.get(DIRECTORY, KeyPairs.es256(EC, Tokens.claims("p1", "patient").build(), "ec-1")).status())
                .isEqualTo(200);
    }

    @Test
    void tokenFromAKeyOutsideTheSetIsRefused() {
        assertThat(api.get(DIRECTORY, KeyPairs.rs256(KeyPairs.rsa(), Tokens.claims("p1", "patient").build(), "rsa-1"))
                .code()).isEqualTo(40101);
    }

    @Test
    void hmacTokenIsRefused() {
        assertThat(api.get(DIRECTORY, Tokens.hs256(Tokens.claims("p1", "patient").build())).code()).isEqualTo(40101);
    }
}
