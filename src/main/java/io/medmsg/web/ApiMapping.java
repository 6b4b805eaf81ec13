package io.medmsg.web;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.servlet.mvc.condition.AbstractRequestCondition;
import org.springframework.web.servlet.mvc.condition.RequestCondition;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Spring MVC's mapping of the controllers' routes, with two differences, each measured on idle
 * polls (docs/benchmarks.md):
 * <ul>
 * <li>It is asked first. Spring Boot asks the actuator's mapping first (order -100). Its routes are
 * patterns, so for every API request it tried each of them, content negotiation included, before
 * their paths ruled them out.</li>
 * <li>{@link WhenGiven} reads one parameter. Spring's {@code params} condition reads the whole
 * parameter map, which Jetty copies and the firewall checks name by name on every call.</li>
 * </ul>
 */
final class ApiMapping extends RequestMappingHandlerMapping {

    /** Ahead of the actuator's mappings (-100); no route of the API is one of theirs. */
    private static final int ORDER = -101;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    protected RequestCondition<?> getCustomMethodCondition(Method method) {
        WhenGiven given = AnnotatedElementUtils.findMergedAnnotation(method, WhenGiven.class);
        return given == null ? null : new ParameterGiven(given.value());
    }

    /** Matches when the parameter is given. Spring prefers a match with a custom condition to one without. */
    private static final class ParameterGiven extends AbstractRequestCondition<ParameterGiven> {

        private final String name;

        ParameterGiven(String name) {
            this.name = name;
        }

        @Override
        protected Collection<?> getContent() {
            return List.of(name);
        }

        @Override
        protected String getToStringInfix() {
            return " && ";
        }

        @Override
        public ParameterGiven combine(ParameterGiven other) {
            return other;
        }

        @Override
        public ParameterGiven getMatchingCondition(HttpServletRequest request) {
            return request.getParameter(name) != null ? this : null;
        }

        @Override
        public int compareTo(ParameterGiven other, HttpServletRequest request) {
            return 0;
        }
    }
}
