package io.medmsg.auth;

import java.time.Duration;
import java.time.Instant;

import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.web.ApiErrors;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;

/**
 * Demo mode only: hands out tokens so that the service can be tried without an identity
 * system, to the clients {@link DemoAccess} allows. Out of demo mode (the prod profile) the
 * endpoint answers as an unknown one and is left out of the OpenAPI document.
 *
 * <p>Always a bean, and demo mode decided here at run time: Spring AOT (./medmsg) fixes every
 * bean condition when the jar is built, so a {@code @Conditional} on {@code medmsg.demo.enabled}
 * would keep the endpoint in a prod start.
 */
@RestController
class DemoTokenController {

    static final Duration LIFETIME = Duration.ofHours(12);

    private static final Logger log = LoggerFactory.getLogger(DemoTokenController.class);

    private final JwtEncoder encoder;
    private final MedMsgProperties.Auth auth;
    private final DemoAccess access;
    private final boolean enabled;

    DemoTokenController(SecurityConfig.SigningSecret secret, MedMsgProperties properties) {
        this.enabled = properties.demo().enabled();
        // out of demo mode there may be no HS256 secret at all (RS256 or a JWKS verifies tokens)
        this.encoder = enabled ? NimbusJwtEncoder.withSecretKey(new SecretKeySpec(secret.bytes(), "HmacSHA256")).build()
                : null;
        this.auth = properties.auth();
        boolean allowRemote = properties.demo().allowRemote();
        this.access = new DemoAccess(allowRemote);
        if (!enabled) {
            return;
        }
        log.warn("Demo mode is on: POST /demo/token mints tokens of any role, admin included, for {}. Not for a real "
                + "deployment: set medmsg.demo.enabled=false (MEDMSG_DEMO_ENABLED=false)",
                allowRemote ? "ANY client that can reach this server (medmsg.demo.allow-remote=true)"
                        : "clients on this machine only");
    }

    record TokenRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"patient", "doctor", "admin", "auditor"})
            String role,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = "^[A-Za-z0-9_-]{1,64}$") String userId,
            @Schema(maxLength = 64, description = "display name") String name) {
    }

    record TokenResponse(String token, long expiresAt) {
    }

    @Operation(summary = "Demo mode only: a token for any user and role (loopback clients only by default)")
    @ApiErrors(ErrorCode.FORBIDDEN_ROLE)
    @PostMapping("/demo/token")
    Envelope<TokenResponse> token(@RequestBody TokenRequest request, HttpServletRequest http) {
        if (!enabled) {
            // what any unknown endpoint answers (ApiExceptionHandler.noRoute)
            throw new ApiException(ErrorCode.NOT_FOUND, "no such endpoint");
        }
        access.check(http);
        Role role = request.role() == null ? null : Role.fromClaim(request.role());
        if (role == null) {
            throw ApiException.badParameter("role must be patient, doctor or admin");
        }
        if (request.userId() == null || !TokenVerifier.SUBJECT.matcher(request.userId()).matches()) {
            throw ApiException.badParameter("user_id must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        if (request.name() != null && request.name().length() > 64) {
            throw ApiException.badParameter("name must be at most 64 characters");
        }
        Instant now = Instant.now();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .subject(request.userId())
                .claim("role", role.wire())
                .issuedAt(now)
                .expiresAt(now.plus(LIFETIME));
        if (request.name() != null && !request.name().isBlank()) {
            claims.claim("name", request.name().strip());
        }
        if (auth.issuer() != null) {
            claims.issuer(auth.issuer());
        }
        if (auth.audience() != null) {
            claims.audience(java.util.List.of(auth.audience()));
        }
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
                .getTokenValue();
        return Envelope.ok(new TokenResponse(token, now.plus(LIFETIME).toEpochMilli()));
    }
}
