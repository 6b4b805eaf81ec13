package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/** Every way a token can be wrong ends in 401/40101 with the envelope, on every face of the API. */
class BadTokenTest extends ApiTest {

    private static final String PATIENT = "/msg_service/msg/patient/session_list";
    private static final String DOCTOR = "/msg_service/msg/doctor/session_list";
    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    private void assertUnauthenticated(String path, String token) {
        Reply reply = api.get(path, token);
        assertThat(reply.status()).as(path).isEqualTo(401);
        assertThat(reply.code()).isEqualTo(40101);
        assertThat(reply.body().get("data").isNull()).isTrue();
        assertThat(reply.body().get("request_id").asString()).isNotBlank();
        assertThat(reply.raw()).doesNotContain("Exception").doesNotContain("at io.");
    }

    private static String roleFor(String path) {
        return path.equals(DOCTOR) ? "doctor" : "patient";
    }

    /**
     * Only bearer tokens. A token bound to a key (its {@code cnf}), sent with a valid DPoP proof of
     * that key: Spring Security 7 would authenticate it by a second path of its own.
     */
    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void aKeyBoundTokenWithAValidDpopProofIsRefused(String path) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String token = Tokens.hs256(Tokens.claims("u1", roleFor(path))
                .claim("cnf", Map.of("jkt", key.computeThumbprint().toString())).build());
        Reply reply = api.send("GET", path, null,
                Map.of("Authorization", "DPoP " + token, "DPoP", dpopProof(key, "GET", api.base() + path, token)), null);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo(40101);
    }

    /** RFC 9449's proof: signed by the key its header carries, naming the request and the token's hash. */
    private static String dpopProof(ECKey key, String method, String url, String token) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).issueTime(new Date())
                .claim("htm", method).claim("htu", url)
                .claim("ath", Base64URL.encode(MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(StandardCharsets.US_ASCII))).toString())
                .build();
        SignedJWT proof = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK()).build(), claims);
        proof.sign(new ECDSASigner(key));
        return proof.serialize();
    }

    /** Spring Security's OAuth metadata document is not served: it is no route of API.md. */
    @Test
    void noProtectedResourceMetadataIsServed() {
        assertUnauthenticated("/.well-known/oauth-protected-resource", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void missingTokenIsRefused(String path) {
        assertUnauthenticated(path, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void garbageTokenIsRefused(String path) {
        assertUnauthenticated(path, "not.a.jwt");
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void tokenSignedWithAnotherKeyIsRefused(String path) {
        assertUnauthenticated(path, Tokens.hs256(Tokens.claims("u1", roleFor(path)).build(),
                "another-secret-of-at-least-thirty-two-bytes!!"));
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void expiredTokenIsRefused(String path) {
        Instant past = Instant.now().minusSeconds(3600);
        assertUnauthenticated(path, Tokens.hs256(Tokens.claims("u1", roleFor(path))
                .issueTime(Date.from(past.minusSeconds(60))).expirationTime(Date.from(past)).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void tokenWithoutExpiryIsRefused(String path) {
        assertUnauthenticated(path, Tokens.hs256(Tokens.claims("u1", roleFor(path)).expirationTime(null).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void tokenNotYetValidIsRefused(String path) {
        assertUnauthenticated(path, Tokens.hs256(Tokens.claims("u1", roleFor(path))
                .notBeforeTime(Date.from(Instant.now().plusSeconds(3600)))
                .expirationTime(Date.from(Instant.now().plusSeconds(7200))).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void unsignedAlgNoneTokenIsRefused(String path) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        String claims = b64.encodeToString(Tokens.claims("u1", roleFor(path)).build().toString().getBytes());
        assertUnauthenticated(path, header + "." + claims + ".");
    }

    @ParameterizedTest
    @ValueSource(strings = {PATIENT, DOCTOR, DIRECTORY})
    void tokenInQueryStringIsRefusedEvenWithAValidHeader(String path) {
        String token = roleFor(path).equals("doctor") ? Tokens.doctor("d1") : Tokens.patient("p1");
        Reply reply = api.get(path + "?access_token=" + token, token);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo(40101);
        assertThat(reply.msg()).contains("Authorization header");
    }

    @Test
    void unknownRoleOrMalformedSubjectIsRefused() {
        assertUnauthenticated(DIRECTORY, Tokens.hs256(Tokens.claims("u1", "nurse").build()));
        assertUnauthenticated(DIRECTORY, Tokens.hs256(Tokens.claims("bad sub!", "patient").build()));
        assertUnauthenticated(DIRECTORY, Tokens.hs256(Tokens.claims("x".repeat(65), "patient").build()));
        assertUnauthenticated(DIRECTORY, Tokens.hs256(new JWTClaimsSet.Builder().subject("u1")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build()));
    }

    @Test
    void wrongRoleIsForbiddenOnEachFace() {
        for (String[] pair : List.of(new String[] {PATIENT, Tokens.doctor("d1")},
                new String[] {DOCTOR, Tokens.patient("p1")}, new String[] {PATIENT, Tokens.admin("a1")})) {
            Reply reply = api.get(pair[0], pair[1]);
            assertThat(reply.status()).as(pair[0]).isEqualTo(403);
            assertThat(reply.code()).isEqualTo(40301);
        }
    }

    @Test
    void validTokenIsAccepted() {
        assertThat(api.get(DIRECTORY, Tokens.patient("p1")).status()).isEqualTo(200);
    }
}
