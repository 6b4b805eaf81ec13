package io.medmsg.files;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.env.Environment;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Where clients reach MedMsg, for the absolute upload and download URLs of local storage:
 * {@code medmsg.storage.public-base-url} when set (behind a proxy), else the scheme, host and
 * port of the request being answered.
 */
class BaseUrl {

    private final String configured;
    private final Environment environment;

    BaseUrl(String configured, Environment environment) {
        this.configured = configured;
        this.environment = environment;
    }

    String get() {
        if (configured != null) {
            return configured;
        }
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUriString();
        }
        return "http://localhost:" + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
    }
}
