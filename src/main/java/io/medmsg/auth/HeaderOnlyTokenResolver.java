package io.medmsg.auth;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Tokens come only from the Authorization header. A token in the query string ends up in
 * proxy and browser logs, so such a request is refused outright rather than quietly ignored.
 *
 * <p>The header is read as Spring Security's {@code DefaultBearerTokenResolver} reads it (RFC 6750's
 * {@code "Bearer" 1*SP b64token}, one space, the scheme in any case; a header that starts with
 * "bearer" but is not that is a malformed token), without its case-insensitive regular expression:
 * matching a token of 200 characters with it took 3.8 % of the CPU of an idle {@code new_msg}
 * (async-profiler, docs/benchmarks.md). {@code HeaderOnlyTokenResolverTest} holds the two to the same answers.
 */
class HeaderOnlyTokenResolver implements BearerTokenResolver {

    private static final String SCHEME = "bearer";

    @Override
    public String resolve(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query != null && (query.startsWith("access_token=") || query.contains("&access_token="))) {
            throw new OAuth2AuthenticationException(
                    BearerTokenErrors.invalidRequest("tokens are accepted only in the Authorization header"));
        }
        return fromHeader(request.getHeader(HttpHeaders.AUTHORIZATION));
    }

    /** The token of an Authorization header, null when it names no bearer token. */
    static String fromHeader(String header) {
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        int start = SCHEME.length() + 1;
        if (header.length() <= start || header.charAt(start - 1) != ' ') {
            throw malformed();
        }
        int end = start;
        while (end < header.length() && isTokenChar(header.charAt(end))) {
            end++;
        }
        if (end == start) {
            throw malformed();
        }
        while (end < header.length() && header.charAt(end) == '=') {
            end++;
        }
        if (end != header.length()) {
            throw malformed();
        }
        return header.substring(start);
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    private static OAuth2AuthenticationException malformed() {
        return new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
    }
}
