package io.medmsg.auth;

import java.util.List;

import jakarta.servlet.DispatcherType;

import io.micrometer.core.instrument.MeterRegistry;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.web.EnvelopeWriter;

/**
 * The path rules of API.md "Identity" and the token verifier. The send fast path applies the same
 * rule and headers for send_text_msg without this chain: {@link FastPathSecurity} follows any change.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig implements WebMvcConfigurer {

    /** The API's routes that need no token (the OpenAPI document says so too: {@link ApiDocsSecurity}). */
    static final List<String> PUBLIC_API = List.of("/demo/token", "/files/**");
    /** The one API route any role may call; every other route that needs a token needs a role. */
    static final String ANY_ROLE = "GET /pati_service/manager_service/doctor_list";
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

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, EnvelopeWriter writer, MeterRegistry meters,
            @Qualifier("corsConfigurationSource") CorsConfigurationSource cors) throws Exception {
        EnvelopeAuthHandlers handlers = new EnvelopeAuthHandlers(writer, meters);
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("role");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);

        // CORS first: a preflight carries no token, and an answer the page may read needs its headers
        http.cors(c -> c.configurationSource(cors))
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        // the request that started an async answer (SSE) was authorized already
                        .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/error", "/actuator/health", "/actuator/health/**", "/v3/api-docs",
                                "/v3/api-docs/**", "/", "/index.html", "/app/**", "/favicon.ico").permitAll()
                        .requestMatchers(HttpMethod.POST, "/demo/token").permitAll()
                        .requestMatchers("/files/**").permitAll()
                        .requestMatchers("/msg_service/msg/patient/**").hasRole("patient")
                        .requestMatchers("/msg_service/msg/doctor/**").hasRole("doctor")
                        .requestMatchers("/msg_service/msg/admin/**").hasRole("admin")
                        .requestMatchers("/msg_service/msg/audit/**").hasRole("auditor")
                        .requestMatchers(HttpMethod.GET, "/pati_service/manager_service/doctor_list").authenticated()
                        .requestMatchers("/pati_service/manager_service/doctors").hasRole("admin")
                        .requestMatchers("/actuator/**").hasRole("admin")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenResolver(new HeaderOnlyTokenResolver())
                        .authenticationEntryPoint(handlers)
                        .accessDeniedHandler(handlers)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(converter)))
                .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers));
        return http.build();
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerResolver());
    }

    /** The HS256 key bytes, or null when tokens are verified with a public key. */
    record SigningSecret(byte[] bytes) {
    }
}
