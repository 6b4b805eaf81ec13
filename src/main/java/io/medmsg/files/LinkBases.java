package io.medmsg.files;

import jakarta.servlet.http.HttpServletRequest;

import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.core.MethodParameter;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.config.TrustedProxies;

/**
 * The one place that decides which {@link LinkBase} a request gets: {@code
 * medmsg.storage.public-base-url} when set; else, from a peer listed in {@code
 * medmsg.trusted-proxies}, what its {@code Forwarded} or {@code X-Forwarded-*} headers say
 * ({@link ForwardedOrigin}) over the request's own scheme, host and port; else the request's own.
 * Forwarded headers from any other peer are ignored: anyone can send them. Controllers take a
 * {@link LinkBase} parameter (this resolver supplies it, as {@code CallerResolver} supplies the
 * Caller); code that answers outside Spring MVC calls {@link #of}.
 */
@Component
public class LinkBases implements HandlerMethodArgumentResolver {

    static {
        // derived from the request, not a parameter a client sends
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(LinkBase.class);
    }

    private final LinkBase configured;
    private final TrustedProxies trusted;
    private final Environment environment;

    LinkBases(StorageSettings settings, MedMsgProperties properties, Environment environment) {
        this.configured = settings.publicBaseUrl() == null ? null : new LinkBase(settings.publicBaseUrl());
        this.trusted = properties.proxies();
        this.environment = environment;
    }

    /** The link base of a request being answered. */
    public LinkBase of(HttpServletRequest request) {
        if (configured != null) {
            return configured;
        }
        if (trusted.trusts(request.getRemoteAddr())) {
            ForwardedOrigin forwarded = ForwardedOrigin.of(request, trusted);
            if (!forwarded.isEmpty()) {
                return forwarded.over(request);
            }
        }
        return new LinkBase(ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUriString());
    }

    /**
     * For links made with no request to answer (tests, jobs): the configured base, else this
     * server as seen from its own machine.
     */
    LinkBase ownAddress() {
        if (configured != null) {
            return configured;
        }
        return new LinkBase("http://localhost:"
                + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080")));
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == LinkBase.class;
    }

    @Override
    public LinkBase resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        return of(request.getNativeRequest(HttpServletRequest.class));
    }
}
