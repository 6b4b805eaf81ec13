package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

import io.medmsg.support.Api;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * Every route of the application — Spring MVC's handler methods, the actuator's endpoints, the
 * web client's files — against the one table of who may call what ({@link AccessRules}): each is
 * covered by a rule of its own, and for every caller (no token, each role) the answer is the
 * 401 or 403 envelope exactly when the table refuses that caller. The route is called as is, with
 * an empty JSON body where it takes one: a caller who may call it gets whatever the route makes of
 * that (often a 400), never a refusal of access. Run on every database: a route may answer
 * differently on each, and none of those answers may be a refusal the table does not make.
 */
class AccessRulesTest extends ApiTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    ApplicationContext context;

    /** A route: the method (null: any) and the path as the application declares it. */
    record Route(HttpMethod method, String path) implements Comparable<Route> {

        /** The method it is called with: GET for a route of any method. */
        HttpMethod called() {
            return method == null ? HttpMethod.GET : method;
        }

        /** The path with a sample value for each variable: what a request to it looks like. */
        String sample() {
            return path.replaceAll("\\{\\*[^}]+}", "x").replaceAll("\\{[^}]+}", "x").replace("**", "x");
        }

        @Override
        public int compareTo(Route o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (method == null ? "ANY" : method.name()) + " " + path;
        }
    }

    /** Every handler method of every request mapping (Spring MVC's, the actuator's, springdoc's) and every static file. */
    private Set<Route> routes() {
        Set<Route> routes = new TreeSet<>();
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values().forEach(mapping ->
                mapping.getHandlerMethods().keySet().forEach(info -> {
                    for (String path : info.getPatternValues()) {
                        if (info.getMethodsCondition().getMethods().isEmpty()) {
                            routes.add(new Route(null, path));
                        }
                        info.getMethodsCondition().getMethods()
                                .forEach(m -> routes.add(new Route(HttpMethod.valueOf(m.name()), path)));
                    }
                }));
        routes.add(new Route(HttpMethod.GET, "/"));
        try {
            for (Resource file : new PathMatchingResourcePatternResolver().getResources("classpath:/static/**")) {
                String url = file.getURL().toString();
                if (file.isReadable() && !url.endsWith("/")) {
                    routes.add(new Route(HttpMethod.GET, url.substring(url.lastIndexOf("/static/") + "/static".length())));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return routes;
    }

    @Autowired
    SecurityFilterChain chain;

    /**
     * The filters every request passes, in order: a filter that a Spring Security upgrade adds is
     * seen here before it answers or refuses anything.
     */
    @Test
    void everyRequestPassesTheseFiltersOnly() {
        assertThat(chain.getFilters()).extracting(f -> f.getClass().getSimpleName()).containsExactly(
                "DisableEncodeUrlFilter", "SecurityContextHolderFilter", "HeaderWriterFilter", "CorsFilter",
                "BearerTokenAuthenticationFilter", "AnonymousAuthenticationFilter", "ExceptionTranslationFilter",
                "AuthorizationFilter");
    }

    @Test
    void everyRouteOfTheApplicationIsCoveredByARuleOfItsOwn() {
        Set<Route> routes = routes();
        assertThat(routes).as("routes found").hasSizeGreaterThan(40)
                .contains(new Route(HttpMethod.POST, "/msg_service/msg/patient/send_text_msg"),
                        new Route(HttpMethod.GET, "/index.html"), new Route(HttpMethod.GET, "/app/main.js"));
        assertThat(routes.stream().map(Route::path)).as("actuator endpoints found")
                .anyMatch(p -> p.startsWith("/actuator/health")).anyMatch(p -> p.startsWith("/actuator/prometheus"));
        List<Route> uncovered = routes.stream()
                .filter(route -> AccessRules.of(route.called(), route.sample()) == AccessRules.CATCH_ALL).toList();
        assertThat(uncovered).isEmpty();
    }

    @Test
    void onlyTheWebClientProbesDocsDemoTokensAndSignedFilesArePublic() {
        List<String> publicRoutes = routes().stream()
                .filter(route -> AccessRules.of(route.called(), route.sample()).access() == AccessRules.Access.PUBLIC)
                .map(Route::path)
                .filter(path -> !path.equals("/") && !path.equals("/index.html") && !path.startsWith("/app/"))
                .toList();
        assertThat(publicRoutes).allMatch(path -> path.equals("/error") || path.startsWith("/actuator/health")
                || path.startsWith("/v3/api-docs") || path.equals("/demo/token") || path.startsWith("/files/"));
    }

    /** The callers: no token, then one of each role. */
    private static Map<String, Role> callers() {
        Map<String, Role> callers = new LinkedHashMap<>();
        callers.put("no token", null);
        for (Role role : Role.values()) {
            callers.put(role.wire(), role);
        }
        return callers;
    }

    private static String token(Role role) {
        String id = "access-" + (role == null ? "none" : role.wire());
        return switch (role) {
            case null -> null;
            case PATIENT -> Tokens.patient(id);
            case DOCTOR -> Tokens.doctor(id);
            case ADMIN -> Tokens.admin(id);
            case AUDITOR -> Tokens.auditor(id);
        };
    }

    @TestFactory
    Stream<DynamicTest> everyCallerIsRefusedExactlyWhereTheTableSaysSo() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Route route : routes()) {
            AccessRules.Rule rule = AccessRules.of(route.called(), route.sample());
            callers().forEach((name, role) -> {
                boolean allowed = rule.allows(role);
                String title = name + (allowed ? " may call " : " may not call ") + route + " (" + rule + ")";
                tests.add(DynamicTest.dynamicTest(title, () -> check(route, role, allowed)));
            });
        }
        return tests.stream();
    }

    private void check(Route route, Role role, boolean allowed) throws Exception {
        Answer answer = call(route, token(role));
        String where = route + " as " + (role == null ? "no token" : role.wire()) + ": " + answer;
        // the response headers of SecurityConfig, on every answer, refusals included
        assertThat(answer.header("X-Content-Type-Options")).as(where).isEqualTo("nosniff");
        assertThat(answer.header("X-Frame-Options")).as(where).isEqualTo("DENY");
        if (allowed) {
            assertThat(answer.refusal()).as(where).isFalse();
            return;
        }
        int status = role == null ? 401 : 403;
        assertThat(answer.status()).as(where).isEqualTo(status);
        JsonNode envelope = Api.JSON.readTree(answer.body());
        assertThat(envelope.get("code").asInt()).as(where).isEqualTo(role == null ? 40101 : 40301);
        assertThat(envelope.get("msg").asString()).as(where).isNotBlank();
        assertThat(envelope.get("request_id").asString()).as(where).isNotBlank();
    }

    private Answer call(Route route, String token) throws Exception {
        HttpMethod method = route.called();
        boolean hasBody = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + route.sample()))
                .timeout(Duration.ofSeconds(20))
                .method(method.name(), hasBody ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (hasBody) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            // an event stream that was let through stays open: its status and headers are the answer
            boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            byte[] bytes = stream ? new byte[0] : body.readAllBytes();
            return new Answer(response.statusCode(), response.headers().map(), bytes);
        }
    }

    record Answer(int status, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        /** The 401 or 403 of the token check: its envelope's code says so (a bad file signature is a 403 of another code). */
        boolean refusal() {
            if (status != 401 && status != 403) {
                return false;
            }
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            return status == 401 || text.contains("\"code\":40301");
        }

        @Override
        public String toString() {
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            return status + " " + (text.length() > 200 ? text.substring(0, 200) : text);
        }
    }
}
