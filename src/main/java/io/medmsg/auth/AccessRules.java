package io.medmsg.auth;

import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which caller may call which route (API.md "Identity"): the one definition. {@link SecurityConfig}
 * builds the security chain's authorization from it, {@link ApiDocsSecurity} the OpenAPI
 * document's security marks, and AccessRulesTest checks every route of the application against it.
 * The first rule that matches a request decides; a request no rule matches needs a token of any
 * role ({@link #CATCH_ALL}), so that a path that does not exist tells nothing to a caller without one.
 */
final class AccessRules {

    /** Who may call a route. */
    enum Access {
        /** anyone, with or without a token */
        PUBLIC,
        /** a valid token of any role */
        ANY_ROLE,
        /** a valid token of {@link Rule#role} */
        ROLE
    }

    /**
     * One line of the table.
     *
     * @param method the HTTP method, or null for any
     * @param pattern a Spring {@link PathPattern}, as Spring Security's request matchers read it
     * @param role the role required when access is {@link Access#ROLE}, else null
     */
    record Rule(HttpMethod method, String pattern, Access access, Role role) {

        Rule {
            if ((access == Access.ROLE) != (role != null)) {
                throw new IllegalArgumentException("a role exactly when access is ROLE: " + pattern);
            }
        }

        boolean matches(HttpMethod requestMethod, String path) {
            return (method == null || method.equals(requestMethod))
                    && PathPatternParser.defaultInstance.parse(pattern).matches(PathContainer.parsePath(path));
        }

        /** Whether a caller of this role (null: no token) may call a route this rule covers. */
        boolean allows(Role caller) {
            return switch (access) {
                case PUBLIC -> true;
                case ANY_ROLE -> caller != null;
                case ROLE -> role == caller;
            };
        }

        @Override
        public String toString() {
            return (method == null ? "ANY" : method.name()) + " " + pattern + " → "
                    + (access == Access.ROLE ? role.wire() : access.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static Rule open(String pattern) {
        return new Rule(null, pattern, Access.PUBLIC, null);
    }

    private static Rule role(String pattern, Role role) {
        return new Rule(null, pattern, Access.ROLE, role);
    }

    /** In order: the first match decides. */
    static final List<Rule> RULES = List.of(
            // the container's error page, reached by an error dispatch of a request already decided
            open("/error"),
            // probes and the contract
            open("/actuator/health"),
            open("/actuator/health/**"),
            open("/v3/api-docs"),
            open("/v3/api-docs/**"),
            open("/v3/api-docs.yaml"),
            // the web client: its files only; the API calls it makes carry the user's token
            open("/"),
            open("/index.html"),
            open("/app/**"),
            open("/favicon.ico"),
            new Rule(HttpMethod.POST, "/demo/token", Access.PUBLIC, null),
            // signed URLs: the signature, not a token, grants the transfer
            open("/files/**"),
            role("/msg_service/msg/patient/**", Role.PATIENT),
            role("/msg_service/msg/doctor/**", Role.DOCTOR),
            role("/msg_service/msg/admin/**", Role.ADMIN),
            role("/msg_service/msg/audit/**", Role.AUDITOR),
            new Rule(HttpMethod.GET, "/pati_service/manager_service/doctor_list", Access.ANY_ROLE, null),
            role("/pati_service/manager_service/doctors", Role.ADMIN),
            // metrics and any other management endpoint
            role("/actuator/**", Role.ADMIN));

    /** What a request no rule matches needs. */
    static final Rule CATCH_ALL = new Rule(null, "/**", Access.ANY_ROLE, null);

    private AccessRules() {
    }

    /** The rule that decides a request: the first that matches, else {@link #CATCH_ALL}. */
    static Rule of(HttpMethod method, String path) {
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule;
            }
        }
        return CATCH_ALL;
    }
}
