package io.medmsg.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.SingleResultAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The chain's authorization of every request: the first rule of {@link AccessRules} that matches it
 * decides, with Spring Security's own managers of "permit all", "authenticated" and "has role"
 * (AccessRulesTest checks every route for every caller). Spring's table of one request matcher per
 * rule decided the same way, but each matcher parsed the request's path anew, up to 13 times for a
 * patient's request (1.5 % of an idle poll's CPU, docs/benchmarks.md); here it is parsed once.
 */
final class AccessDecisions implements AuthorizationManager<RequestAuthorizationContext> {

    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

    private final List<Entry> entries;

    AccessDecisions() {
        List<Entry> all = new ArrayList<>();
        AccessRules.RULES.forEach(rule -> all.add(Entry.of(rule)));
        all.add(Entry.of(AccessRules.CATCH_ALL));
        entries = List.copyOf(all);
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
            RequestAuthorizationContext context) {
        HttpServletRequest request = context.getRequest();
        // the request that started an async answer (an event stream, a held poll) was authorized already
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            return GRANTED;
        }
        PathContainer path = pathWithinApplication(request);
        for (Entry entry : entries) {
            if (entry.matches(request.getMethod(), path)) {
                return entry.decision().authorize(authentication, context);
            }
        }
        throw new IllegalStateException("the catch-all rule matches every path: " + AccessRules.CATCH_ALL);
    }

    /** The path as Spring Security's path matchers read it: within the application, parsed as Spring MVC parses it. */
    private static PathContainer pathWithinApplication(HttpServletRequest request) {
        RequestPath path;
        if (ServletRequestPathUtils.hasParsedRequestPath(request)) {
            path = ServletRequestPathUtils.getParsedRequestPath(request);
        } else {
            path = ServletRequestPathUtils.parseAndCache(request);
            ServletRequestPathUtils.clearParsedRequestPath(request);
        }
        return path.subPath(path.contextPath().elements().size());
    }

    /** A rule with its pattern parsed and the manager of its access. */
    private record Entry(HttpMethod method, PathPattern pattern, AuthorizationManager<RequestAuthorizationContext> decision) {

        static Entry of(AccessRules.Rule rule) {
            return new Entry(rule.method(), PathPatternParser.defaultInstance.parse(rule.pattern()), switch (rule.access()) {
                case PUBLIC -> SingleResultAuthorizationManager.permitAll();
                case ANY_ROLE -> AuthenticatedAuthorizationManager.authenticated();
                case ROLE -> AuthorityAuthorizationManager.hasRole(rule.role().wire());
            });
        }

        boolean matches(String requestMethod, PathContainer path) {
            return (method == null || method.name().equals(requestMethod)) && pattern.matches(path);
        }
    }
}
