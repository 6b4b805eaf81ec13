package io.medmsg.auth;

import java.util.List;
import java.util.Set;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import io.micrometer.core.instrument.MeterRegistry;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.OAuth2ProtectedResourceMetadataFilter;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.session.SessionManagementFilter;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.web.EnvelopeWriter;

/**
 * The security chain of every request: the token verifier, the path rules of {@link AccessRules}
 * and the response headers of {@link #headers}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig implements WebMvcConfigurer {

    /** The OpenAPI security scheme of bearer tokens (io.medmsg.web's OpenApiConfig declares it). */
    static final String BEARER = "bearer";

    static {
        // The caller comes from the verified token, not from the request: keep it out of the OpenAPI document.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    SigningSecret signingSecret(MedMsgProperties properties) {
        MedMsgProperties.Auth auth = properties.auth();
        if (!auth.usesSharedSecret()) {
            if (properties.demo().enabled()) {
                throw new IllegalStateException("Demo mode mints its own HS256 tokens and cannot be combined with "
                        + "medmsg.auth.public-key or medmsg.auth.jwk-set-uri: set medmsg.demo.enabled=false");
            }
            return new SigningSecret(null);
        }
        return new SigningSecret(SharedSecret.resolve(properties));
    }

    @Bean
    JwtDecoder jwtDecoder(MedMsgProperties properties, SigningSecret secret) {
        return TokenVerifier.build(properties.auth(), secret.bytes());
    }

    /**
     * No observations of the chain, its authentications or authorizations. Boot's
     * {@code management.observations.enable.spring.security=false} only turns each observation
     * into a no-op: the chain was still wrapped filter by filter in Spring Security's observation
     * decorator. On sends (async-profiler, docs/benchmarks.md) the decorator's frames and
     * Micrometer's observation code took 4.2 % of the request threads' samples, 1.0 % without it.
     * What a request costs and answers is measured once, by http.server.requests and our meters.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * No authentication events: nothing here listens for them (a refused token is answered and
     * counted by {@link EnvelopeAuthHandlers}), and the default publisher searched the context's
     * listeners for each accepted token, 0.6 % of an idle poll's CPU (docs/benchmarks.md).
     */
    @Bean
    static AuthenticationEventPublisher authenticationEventPublisher() {
        return new AuthenticationEventPublisher() {
            @Override
            public void publishAuthenticationSuccess(Authentication authentication) {
                // no listener
            }

            @Override
            public void publishAuthenticationFailure(AuthenticationException exception, Authentication authentication) {
                // no listener
            }
        };
    }

    /** Spring Security's default firewall, its character checks without regular expressions. */
    @Bean
    static HttpFirewall httpFirewall() {
        return FirewallChars.firewall();
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, EnvelopeWriter writer, MeterRegistry meters,
            @Qualifier("corsConfigurationSource") CorsConfigurationSource cors) throws Exception {
        EnvelopeAuthHandlers handlers = new EnvelopeAuthHandlers(writer, meters);

        // CORS first: a preflight carries no token, and an answer the page may read needs its headers
        http.cors(c -> c.configurationSource(cors))
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(SecurityConfig::headers)
                .authorizeHttpRequests(SecurityConfig::authorize)
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenResolver(new HeaderOnlyTokenResolver())
                        .authenticationEntryPoint(handlers)
                        .accessDeniedHandler(handlers)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(new RoleAuthority())))
                .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
                .servletApi(servletApi -> servletApi.disable());
        return withoutUnserved(http.build());
    }

    /**
     * Filters Spring Security adds for what this service does not offer. Each was paid by every
     * request (async-profiler on idle polls, docs/benchmarks.md), and the last two each acted on
     * requests that API.md does not describe:
     * <ul>
     * <li>{@link WebAsyncManagerIntegrationFilter} hands the security context to a {@code Callable}
     * answer's thread; there are none, and the caller is resolved on the request's thread.</li>
     * <li>{@link SessionManagementFilter}: the chain is stateless, there are no sessions.</li>
     * <li>{@link AuthenticationFilter}, which Spring Security 7 adds for DPoP-bound tokens
     * ({@code Authorization: DPoP}): it authenticated a key-bound token with a valid proof, a second
     * way in; the tokens are bearer tokens, and {@link RoleAuthority} makes their authentications.</li>
     * <li>{@link OAuth2ProtectedResourceMetadataFilter}: it answered
     * {@code /.well-known/oauth-protected-resource} outside the envelope, claiming certificate-bound
     * tokens.</li>
     * </ul>
     */
    private static final Set<Class<?>> UNSERVED = Set.of(WebAsyncManagerIntegrationFilter.class,
            SessionManagementFilter.class, AuthenticationFilter.class, OAuth2ProtectedResourceMetadataFilter.class);

    private static SecurityFilterChain withoutUnserved(DefaultSecurityFilterChain chain) {
        List<Filter> kept = chain.getFilters().stream().filter(f -> !UNSERVED.contains(f.getClass())).toList();
        return new DefaultSecurityFilterChain(chain.getRequestMatcher(), kept);
    }

    /** Every rule of {@link AccessRules}, in its order, then its catch-all. */
    private static void authorize(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry auth) {
        // the request that started an async answer (SSE) was authorized already
        auth.dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll();
        for (AccessRules.Rule rule : AccessRules.RULES) {
            grant(rule, rule.method() == null ? auth.requestMatchers(rule.pattern())
                    : auth.requestMatchers(rule.method(), rule.pattern()));
        }
        grant(AccessRules.CATCH_ALL, auth.anyRequest());
    }

    private static void grant(AccessRules.Rule rule,
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizedUrl matched) {
        switch (rule.access()) {
            case PUBLIC -> matched.permitAll();
            case ANY_ROLE -> matched.authenticated();
            case ROLE -> matched.hasRole(rule.role().wire());
        }
    }

    /**
     * The response headers of every answer, written here only ({@link ApiHeaders}). Written as the
     * request enters the chain: written on commit (Spring's default), they were missing from a web
     * client file larger than the response buffer, which commits before the wrapper that watches
     * for it has seen the end; and no request needs that wrapper any more.
     */
    private static void headers(HeadersConfigurer<HttpSecurity> headers) {
        headers.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <F extends HeaderWriterFilter> F postProcess(F filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                })
                .defaultsDisabled()
                .addHeaderWriter(new ApiHeaders());
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerResolver());
    }

    /** The HS256 key bytes, or null when tokens are verified with a public key. */
    record SigningSecret(byte[] bytes) {
    }
}
