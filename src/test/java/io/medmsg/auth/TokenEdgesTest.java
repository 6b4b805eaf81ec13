package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.JWTClaimsSet;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/**
 * The edges of a token's validity with the default clock skew of 10 s (medmsg.auth.clock-skew),
 * a subject of the wrong JSON type, and an Authorization header too large for the server.
 */
class TokenEdgesTest extends ApiTest {

    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    private static String expiringAt(Instant exp) {
        return Tokens.hs256(Tokens.claims("p1", "patient").issueTime(Date.from(exp.minusSeconds(600)))
                .expirationTime(Date.from(exp)).build());
    }

    private void assertUnauthenticated(String token) {
        Reply reply = api.get(DIRECTORY, token);
        assertThat(reply.status()).as("code %s", reply.body().get("code")).isEqualTo(401);
        assertThat(reply.code()).isEqualTo(40101);
    }

    @Test
    void aTokenExpired30SecondsAgoIsRefused() {
        assertUnauthenticated(expiringAt(Instant.now().minusSeconds(30)));
    }

    @Test
    void aTokenExpired5SecondsAgoIsWithinTheSkewAndAccepted() {
        Reply reply = api.get(DIRECTORY, expiringAt(Instant.now().minusSeconds(5)));
        assertThat(reply.status()).as("code %s", reply.body().get("code")).isEqualTo(200);
    }

    @Test
    void aTokenValidOnlyIn30SecondsIsRefused() {
        assertUnauthenticated(Tokens.hs256(Tokens.claims("p1", "patient")
                .notBeforeTime(Date.from(Instant.now().plusSeconds(30))).build()));
    }

    @Test
    void aNumericSubjectIsRefused() {
        // digits only, so it would pass the pattern once turned into a string: the type is what is wrong
        JWTClaimsSet claims = new JWTClaimsSet.Builder(Tokens.claims("p1", "patient").build()).claim("sub", 12345L).build();
        assertThat(claims.toString()).contains("\"sub\":12345");
        assertUnauthenticated(Tokens.hs256(claims));
    }

    @Test
    void a100KilobyteAuthorizationHeaderIs431WithTheEnvelope() throws Exception {
        String request = "GET " + DIRECTORY + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + "a".repeat(100 * 1024)
                + "\r\nConnection: close\r\n\r\n";
        String response;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(response).startsWith("HTTP/1.1 431 ");
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(head).containsIgnoringCase("Content-Type: application/json");
        assertThat(body).startsWith("{\"code\":43101,").contains("\"data\":null").contains("too large")
                .containsPattern("\"request_id\":\"[A-Za-z0-9._:-]+\"").doesNotContain("<html");
    }
}
