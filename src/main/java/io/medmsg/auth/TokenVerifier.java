package io.medmsg.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import io.medmsg.config.MedMsgProperties;

/**
 * Builds the one JWT decoder from configuration. Each mode accepts exactly one family of
 * algorithms, which is what refuses {@code alg: none} and HS/RS confusion: an HS256 decoder
 * never looks at an RS256 token, and a public-key decoder never treats the key as an HMAC secret.
 */
final class TokenVerifier {

    static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** How long a verified token is trusted without checking its signature again. */
    static final java.time.Duration REVERIFY_AFTER = java.time.Duration.ofSeconds(60);

    private TokenVerifier() {
    }

    static JwtDecoder build(MedMsgProperties.Auth auth, byte[] sharedSecret) {
        NimbusJwtDecoder decoder;
        if (auth.jwkSetUri() != null) {
            decoder = NimbusJwtDecoder.withJwkSetUri(auth.jwkSetUri())
                    .jwsAlgorithm(SignatureAlgorithm.RS256).jwsAlgorithm(SignatureAlgorithm.ES256).build();
        } else if (auth.publicKey() != null) {
            decoder = fromPublicKey(readPem(auth.publicKey()));
        } else {
            decoder = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(sharedSecret, "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256).build();
        }
        // exp and nbf, each with the configured skew (Spring's default would be 60 s)
        OAuth2TokenValidator<Jwt> timestamps = new JwtTimestampValidator(auth.clockSkew());
        decoder.setJwtValidator(validator(auth, timestamps));
        // only the checks time can change: a remembered token's other claims passed when it was verified
        return new CachingJwtDecoder(new StringSubjectDecoder(decoder), timestamps, REVERIFY_AFTER, 10_000,
                Clock.systemUTC());
    }

    private static OAuth2TokenValidator<Jwt> validator(MedMsgProperties.Auth auth, OAuth2TokenValidator<Jwt> timestamps) {
        List<OAuth2TokenValidator<Jwt>> checks = new ArrayList<>();
        checks.add(timestamps);
        checks.add(new JwtClaimValidator<Object>("exp", Objects::nonNull));
        checks.add(new JwtClaimValidator<String>("sub", sub -> sub != null && SUBJECT.matcher(sub).matches()));
        checks.add(new JwtClaimValidator<Object>("role", role -> role instanceof String s && Role.fromClaim(s) != null));
        if (auth.issuer() != null) {
            checks.add(new JwtIssuerValidator(auth.issuer()));
        }
        if (auth.audience() != null) {
            String audience = auth.audience();
            checks.add(new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(audience)));
        }
        return new DelegatingOAuth2TokenValidator<>(checks);
    }

    private static NimbusJwtDecoder fromPublicKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return NimbusJwtDecoder.withPublicKey(rsa).signatureAlgorithm(SignatureAlgorithm.RS256).build();
        }
        ECPublicKey ec = (ECPublicKey) key;
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // One configured key: use it whatever "kid" the token names, but only for ES256.
        processor.setJWSKeySelector((header, context) ->
                JWSAlgorithm.ES256.equals(header.getAlgorithm()) ? List.<java.security.Key>of(ec) : List.of());
        // Spring's validators check the claims; Nimbus' own checks would reject before they run.
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        return new NimbusJwtDecoder(processor);
    }

    /** Accepts the PEM text itself or the path of a PEM file. */
    static PublicKey readPem(String pemOrPath) {
        String pem = pemOrPath;
        try {
            if (!pem.contains("-----BEGIN")) {
                pem = Files.readString(Path.of(pemOrPath));
            }
        } catch (IOException e) {
            throw new IllegalStateException("medmsg.auth.public-key: cannot read the PEM file " + pemOrPath, e);
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec;
        try {
            spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("medmsg.auth.public-key is not a PEM \"PUBLIC KEY\" block", e);
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (Exception notThisOne) {
                // try the next family
            }
        }
        throw new IllegalStateException("medmsg.auth.public-key is neither an RSA nor an EC (P-256) public key");
    }
}
