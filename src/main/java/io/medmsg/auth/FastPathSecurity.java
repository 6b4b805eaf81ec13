package io.medmsg.auth;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;

/**
 * What the security chain does, for a request answered without it (the send fast path): the
 * same header-only bearer token, the same verifier and role rule, the same response headers.
 * {@link #verified} returns null whenever the chain would not simply let the request through, so
 * that the chain answers it with its own 401 or 403; only the plainly valid case is decided here.
 */
@Component
public class FastPathSecurity {

    /** The chain's own rule for where a token may come from. */
    private static final HeaderOnlyTokenResolver TOKENS = new HeaderOnlyTokenResolver();
    /** Spring Security's default header writers, as the chain of SecurityConfig applies them. */
    private static final List<HeaderWriter> HEADERS = List.of(new XContentTypeOptionsHeaderWriter(),
            new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
            new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));

    private final JwtDecoder decoder;

    FastPathSecurity(JwtDecoder decoder) {
        this.decoder = decoder;
    }

    /** The verified caller if the request carries a valid token of that role, else null. */
    public Caller verified(HttpServletRequest request, Role required) {
        // a query string might carry access_token, which the chain refuses with its own answer
        if (request.getQueryString() != null) {
            return null;
        }
        // a page of another origin: the chain answers, with the CORS headers its browser needs (or without)
        if (CorsUtils.isCorsRequest(request)) {
            return null;
        }
        try {
            String token = TOKENS.resolve(request);
            if (token == null) {
                return null;
            }
            Caller caller = CallerResolver.fromJwt(decoder.decode(token));
            return caller.is(required) ? caller : null;
        } catch (AuthenticationException | JwtException e) {
            return null;
        }
    }

    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        for (HeaderWriter writer : HEADERS) {
            writer.writeHeaders(request, response);
        }
    }
}
