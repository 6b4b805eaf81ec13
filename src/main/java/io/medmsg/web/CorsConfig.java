package io.medmsg.web;

import java.time.Duration;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

import io.medmsg.config.MedMsgProperties;

/**
 * Which web origins may call the API from a browser ({@code medmsg.cors.allowed-origins}, none by
 * default). The security chain applies it, preflights included, before any token is looked at.
 * Credentials (cookies) are never allowed: the token travels in the Authorization header, which a
 * page may send once its origin is listed.
 */
@Configuration(proxyBeanMethods = false)
class CorsConfig {

    /** The API's routes and the signed file URLs (a page uploads to them with PUT). */
    static final List<String> ROUTES = List.of("/msg_service/**", "/pati_service/**", "/files/**");

    @Bean
    CorsConfigurationSource corsConfigurationSource(MedMsgProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        List<String> origins = properties.cors().allowedOrigins();
        if (origins.isEmpty()) {
            return source;
        }
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins);
        cors.setAllowCredentials(false);
        cors.setAllowedMethods(List.of("GET", "POST", "PUT"));
        // Last-Event-ID: a page resuming its event stream with fetch(); X-Request-Id: a client's own ids
        cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "Last-Event-ID",
                RequestIds.HEADER));
        // a page reads when to try again (429, 503, 507) and the id to quote to the hospital's support
        cors.setExposedHeaders(List.of(HttpHeaders.RETRY_AFTER, RequestIds.HEADER));
        cors.setMaxAge(Duration.ofHours(1));
        ROUTES.forEach(route -> source.registerCorsConfiguration(route, cors));
        return source;
    }
}
