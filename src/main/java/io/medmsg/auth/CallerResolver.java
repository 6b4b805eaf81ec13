package io.medmsg.auth;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

class CallerResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof Jwt jwt)) {
            throw new ApiException(ErrorCode.UNAUTHENTICATED, "a bearer token is required");
        }
        return fromJwt(jwt);
    }

    static final int MAX_NAME = 64;

    static Caller fromJwt(Jwt jwt) {
        return new Caller(jwt.getSubject(), Role.fromClaim(jwt.getClaimAsString("role")),
                displayName(jwt.getClaimAsString("name")), jwt.getExpiresAt());
    }

    /** The name claim as shown to the other party: trimmed, at most 64 characters, or null. */
    static String displayName(String claim) {
        if (claim == null || claim.isBlank()) {
            return null;
        }
        String name = claim.strip();
        return name.codePointCount(0, name.length()) <= MAX_NAME ? name
                : name.substring(0, name.offsetByCodePoints(0, MAX_NAME));
    }
}
