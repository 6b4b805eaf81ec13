package io.medmsg.auth;

import java.text.ParseException;
import java.util.List;

import com.nimbusds.jose.JWSObject;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Refuses a token whose {@code sub} is not a JSON string. Nimbus reads a numeric {@code sub} as
 * its digits ({@code 12345} becomes {@code "12345"}), so no claim validator can tell; API.md wants
 * a string, and an issuer that sends a number is misconfigured. The payload is looked at as sent,
 * once the signature has been verified.
 */
final class StringSubjectDecoder implements JwtDecoder {

    private final JwtDecoder decoder;

    StringSubjectDecoder(JwtDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = decoder.decode(token);
        Object sub;
        try {
            sub = JWSObject.parse(token).getPayload().toJSONObject().get("sub");
        } catch (ParseException e) {
            throw new JwtException("the token's payload cannot be read", e);
        }
        if (!(sub instanceof String)) {
            String msg = "the sub claim must be a string";
            throw new JwtValidationException(msg, List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, msg, null)));
        }
        return jwt;
    }
}
