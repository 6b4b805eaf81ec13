package io.medmsg.auth;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import io.medmsg.web.EnvelopeWriter;
import io.medmsg.web.ErrorCode;

/** 401 and 403 from the security chain, in the same envelope as every other error. */
class EnvelopeAuthHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final EnvelopeWriter writer;

    EnvelopeAuthHandlers(EnvelopeWriter writer) {
        this.writer = writer;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        writer.write(request, response, ErrorCode.UNAUTHENTICATED, reason(e));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        writer.write(request, response, ErrorCode.FORBIDDEN_ROLE, "this role may not call this endpoint");
    }

    private static String reason(AuthenticationException e) {
        if (e instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null
                && oauth.getError().getDescription().startsWith("tokens are accepted only")) {
            return oauth.getError().getDescription();
        }
        if (e instanceof OAuth2AuthenticationException) {
            return "the bearer token is invalid, expired, not yet valid, or not meant for this server";
        }
        return "a bearer token is required in the Authorization header";
    }
}
