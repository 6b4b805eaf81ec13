package io.medmsg.auth;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import io.medmsg.web.EnvelopeWriter;
import io.medmsg.web.ErrorCode;

/**
 * 401 and 403 from the security chain, in the same envelope as every other error, each counted in
 * {@code medmsg_auth_failures_total} by its reason.
 */
class EnvelopeAuthHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    /** Why a request was refused; never anything of the token itself. */
    enum Reason {
        /** no bearer token in the Authorization header */
        MISSING,
        /** a token in the query string, which is refused outright */
        QUERY_TOKEN,
        /** not a JWT, a signature that does not verify, or an algorithm this server does not accept */
        INVALID,
        /** past its exp or before its nbf (beyond the clock skew) */
        EXPIRED,
        /** a claim refused: sub, role, iss or aud */
        CLAIMS,
        /** a valid token whose role may not call this endpoint (403) */
        ROLE;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final EnvelopeWriter writer;
    private final Map<Reason, Counter> failures = new EnumMap<>(Reason.class);

    EnvelopeAuthHandlers(EnvelopeWriter writer, MeterRegistry registry) {
        this.writer = writer;
        for (Reason reason : Reason.values()) {
            failures.put(reason, Counter.builder("medmsg.auth.failures").tag("reason", reason.tag)
                    .description("requests refused 401 or 403 by the token check, by reason").register(registry));
        }
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        failures.get(reasonOf(e)).increment();
        response.setHeader("WWW-Authenticate", "Bearer");
        writer.write(request, response, ErrorCode.UNAUTHENTICATED, message(e));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        failures.get(Reason.ROLE).increment();
        writer.write(request, response, ErrorCode.FORBIDDEN_ROLE, "this role may not call this endpoint");
    }

    private static boolean queryToken(AuthenticationException e) {
        return e instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null
                && oauth.getError().getDescription().startsWith("tokens are accepted only");
    }

    private static String message(AuthenticationException e) {
        if (queryToken(e)) {
            return ((OAuth2AuthenticationException) e).getError().getDescription();
        }
        if (e instanceof OAuth2AuthenticationException) {
            return "the bearer token is invalid, expired, not yet valid, or not meant for this server";
        }
        return "a bearer token is required in the Authorization header";
    }

    static Reason reasonOf(AuthenticationException e) {
        if (queryToken(e)) {
            return Reason.QUERY_TOKEN;
        }
        if (e instanceof InsufficientAuthenticationException) {
            // no token at all: the request was anonymous when a rule asked for a role
            return Reason.MISSING;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof JwtValidationException invalid) {
                return timing(invalid) ? Reason.EXPIRED : Reason.CLAIMS;
            }
        }
        return Reason.INVALID;
    }

    /** Whether the refusal is about time: Spring's timestamp validator's errors name exp or nbf. */
    private static boolean timing(JwtValidationException e) {
        for (OAuth2Error error : e.getErrors()) {
            String d = error.getDescription();
            if (d != null && (d.startsWith("Jwt expired") || d.startsWith("Jwt used before"))) {
                return true;
            }
        }
        return false;
    }
}
