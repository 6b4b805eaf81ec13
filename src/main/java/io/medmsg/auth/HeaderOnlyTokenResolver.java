package io.medmsg.auth;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Tokens come only from the Authorization header. A token in the query string ends up in
 * proxy and browser logs, so such a request is refused outright rather than quietly ignored.
 */
class HeaderOnlyTokenResolver implements BearerTokenResolver {

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();

    @Override
    public String resolve(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query != null && (query.startsWith("access_token=") || query.contains("&access_token="))) {
            throw new OAuth2AuthenticationException(
                    BearerTokenErrors.invalidRequest("tokens are accepted only in the Authorization header"));
        }
        return header.resolve(request);
    }
}
