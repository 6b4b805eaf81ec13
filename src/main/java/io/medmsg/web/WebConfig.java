package io.medmsg.web;

import java.util.ArrayList;
import java.util.List;

import io.medmsg.config.MedMsgProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.micrometer.metrics.MaximumAllowableTagsMeterFilter;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.method.ControllerAdviceBean;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebConfig {

    /** Connections waiting to be accepted; see jettyServer(). */
    private static final int ACCEPT_QUEUE = 1000;

    /**
     * The JSON converter of every answer, with the application's mapper, in Spring Boot's place in
     * the list (after its own, order 0, so this one is the one kept): it holds bodies as
     * {@link HeldAnswers} asks.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    ServerHttpMessageConvertersCustomizer heldJsonConverter(JsonMapper mapper) {
        return builder -> builder.withJsonConverter(new HeldJsonConverter(mapper));
    }

    /**
     * Envelopes are written by {@link EnvelopeAnswers}, which goes ahead of Spring's processor of
     * response bodies (that one would take them too), with the JSON converter above.
     */
    @Bean
    SmartInitializingSingleton envelopeAnswersFirst(RequestMappingHandlerAdapter adapter, ApplicationContext context) {
        return () -> {
            HeldJsonConverter json = adapter.getMessageConverters().stream()
                    .filter(HeldJsonConverter.class::isInstance).map(HeldJsonConverter.class::cast).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no HeldJsonConverter among Spring MVC's converters"));
            EnvelopeAnswers envelopes = new EnvelopeAnswers(json, ControllerAdviceBean.findAnnotatedBeans(context));
            adapter.setReturnValueHandlers(ahead(envelopes, adapter.getReturnValueHandlers()));
        };
    }

    /** {@link QueryParams} reads the text and numeric query parameters, ahead of Spring's resolvers. */
    @Bean
    SmartInitializingSingleton queryParamsFirst(RequestMappingHandlerAdapter adapter) {
        return () -> adapter.setArgumentResolvers(ahead(new QueryParams(), adapter.getArgumentResolvers()));
    }

    /** Ours, then Spring's: the first that takes a value handles it. */
    private static <T> List<T> ahead(T ours, List<T> springs) {
        List<T> all = new ArrayList<>();
        all.add(ours);
        all.addAll(springs);
        return all;
    }

    /** The controllers' routes, asked first (see {@link ApiMapping}). */
    @Bean
    WebMvcRegistrations apiMapping() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new ApiMapping();
            }
        };
    }

    /**
     * Every request timed as {@code http.server.requests}, right after its request id is set and
     * before {@link BodyLimitFilter}, so that a body refused with 413 is counted too.
     */
    @Bean
    FilterRegistrationBean<RequestTimer> requestTimer(MeterRegistry registry) {
        FilterRegistrationBean<RequestTimer> bean = new FilterRegistrationBean<>(new RequestTimer(registry));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return bean;
    }

    /**
     * At most {@code management.metrics.web.server.max-uri-tags} (100) values of the request
     * timer's uri tag, as Spring Boot's own HTTP observation set it up: a uri is a route's pattern,
     * but a client's misspelt paths must not make a timer each.
     */
    @Bean
    @Order(0)
    MaximumAllowableTagsMeterFilter requestTimerUriTags(MetricsProperties metrics) {
        return new MaximumAllowableTagsMeterFilter(RequestTimer.NAME, "uri", metrics.getWeb().getServer().getMaxUriTags());
    }

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        FilterRegistrationBean<RequestIdFilter> bean = new FilterRegistrationBean<>(new RequestIdFilter());
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    /**
     * Jetty's own error page (for requests it refuses before the application sees them) in JSON
     * too, and an accept queue that absorbs a burst of connecting long-polls: with Jetty's
     * default (0, i.e. the JVM's backlog of 50), 5,000 polls connecting at once lost hundreds to
     * client timeouts in the Jetty prototype's benchmark; with 1,000 none. (Tomcat had
     * accept-count=1000 before.)
     *
     * <p>No per-connection cache of request header fields: a client's headers repeat on its
     * connection, so Jetty kept them in a trie of up to 1 KB values per connection and looked each
     * header line up in it, the bearer token's hundreds of characters one by one (2.9 % of an idle
     * poll's CPU in the profile, docs/benchmarks.md), for every held poll's connection too. The
     * parser's shared cache of common fields (methods, versions, {@code Accept: *}{@code /*}…) stays.
     *
     * <p>No form-encoded bodies read as parameters: the API takes JSON and files, and a signed upload
     * URL's signature comes from the URL only. Jetty otherwise read a POST's or PUT's form body into
     * the parameters, and looked up, for every request's first parameter (even a GET's), whether
     * its method was one of those (1 % of an idle poll's CPU, docs/benchmarks.md). Spring's
     * FormContentFilter, which does the same for PUT, PATCH and DELETE, is off too
     * (application.properties).
     */
    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> jettyServer() {
        return factory -> factory.addServerCustomizers(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            for (var connector : server.getConnectors()) {
                if (connector instanceof ServerConnector serverConnector) {
                    serverConnector.setAcceptQueueSize(ACCEPT_QUEUE);
                }
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                if (http != null) {
                    http.getHttpConfiguration().setHeaderCacheSize(0);
                    http.getHttpConfiguration().setFormEncodedMethods();
                }
            }
        });
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(MedMsgProperties properties) {
        FilterRegistrationBean<BodyLimitFilter> bean =
                new FilterRegistrationBean<>(new BodyLimitFilter(properties.limits().jsonBodyBytes()));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return bean;
    }
}
