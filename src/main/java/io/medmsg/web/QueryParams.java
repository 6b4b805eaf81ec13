package io.medmsg.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.MethodParameter;
import org.springframework.util.ClassUtils;
import org.springframework.util.NumberUtils;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * The text, {@code int} and {@code long} query parameters ({@code session_id}, {@code limit},
 * {@code after_seq}, {@code wait}…), read as Spring reads them — the same number syntax
 * ({@link NumberUtils#parseNumber}), the same defaults, the same exceptions for a missing or
 * malformed one — without a data binder per argument and the resolution of each default as a
 * {@code ${…}} expression per request: 4 % of an idle poll's CPU (async-profiler,
 * docs/benchmarks.md). Asked before Spring's resolvers (WebConfig). A literal default is parsed
 * once; one naming a property is left to Spring. Runs after {@code StrictInput}, which refuses a
 * parameter given twice, or a number given empty.
 */
final class QueryParams implements HandlerMethodArgumentResolver {

    private final Map<MethodParameter, Param> params = new ConcurrentHashMap<>();

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(parameter.getParameterType());
        return param != null && (type == String.class || type == Integer.class || type == Long.class)
                && !param.defaultValue().contains("${") && !param.defaultValue().contains("#{");
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
            WebDataBinderFactory binders) throws Exception {
        Param param = params.computeIfAbsent(parameter, Param::of);
        String text = request.getParameter(param.name());
        if (text == null || (text.isEmpty() && param.fallback() != null)) {
            return orFallback(param, parameter);
        }
        if (param.type() == String.class) {
            return text;
        }
        if (text.isEmpty() && !parameter.getParameterType().isPrimitive()) {
            // Spring converts an empty number to none, which a primitive cannot hold
            return orFallback(param, parameter);
        }
        try {
            return NumberUtils.parseNumber(text, param.type().asSubclass(Number.class));
        } catch (IllegalArgumentException malformed) {
            throw new MethodArgumentTypeMismatchException(text, parameter.getParameterType(), param.name(), parameter,
                    malformed);
        }
    }

    /** The name of a {@code @RequestParam}: as given, else the Java parameter's. */
    static String nameOf(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        return !param.name().isEmpty() ? param.name()
                : !param.value().isEmpty() ? param.value() : parameter.getParameter().getName();
    }

    private static Object orFallback(Param param, MethodParameter parameter) throws MissingServletRequestParameterException {
        if (param.fallback() != null || !param.required()) {
            return param.fallback();
        }
        throw new MissingServletRequestParameterException(param.name(), parameter.getParameterType().getSimpleName());
    }

    /** A parameter's name, its boxed type, whether it is required and its default (null: none). */
    private record Param(String name, Class<?> type, boolean required, Object fallback) {

        static Param of(MethodParameter parameter) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            String name = nameOf(parameter);
            Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(parameter.getParameterType());
            String fallback = ValueConstants.DEFAULT_NONE.equals(param.defaultValue()) ? null : param.defaultValue();
            return new Param(name, type, param.required(), fallback == null || type == String.class ? fallback
                    : NumberUtils.parseNumber(fallback, type.asSubclass(Number.class)));
        }
    }
}
