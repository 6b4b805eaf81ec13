package io.medmsg.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Mints tokens the way a hospital's identity system would, with the test secret. */
public final class Tokens {

    public static final String SECRET = "test-secret-of-at-least-thirty-two-bytes-0123456789";

    private Tokens() {
    }

    public static String patient(String id) {
        return patient(id, "Patient " + id);
    }

    public static String patient(String id, String name) {
        return hs256(claims(id, "patient").claim("name", name).build());
    }

    public static String doctor(String id) {
        return hs256(claims(id, "doctor").build());
    }

    public static String admin(String id) {
        return hs256(claims(id, "admin").build());
    }

    public static String auditor(String id) {
        return hs256(claims(id, "auditor").build());
    }

    public static JWTClaimsSet.Builder claims(String sub, String role) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(sub).claim("role", role)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    public static String hs256(JWTClaimsSet claims) {
        return hs256(claims, SECRET);
    }

    public static String hs256(JWTClaimsSet claims, String secret) {
        try {
            JWSSigner signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> body(Object... keyValues) {
        java.util.LinkedHashMap<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
