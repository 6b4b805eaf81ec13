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
 * The {@code int} and {@code long} query parameters ({@code limit}, {@code after_seq}, {@code wait}…),
 * read as Spring reads them — the same number syntax ({@link NumberUtils#parseNumber}), the same
 * exceptions for a missing or malformed one — without a data binder per argument and the
 * resolution of each default as a {@code ${…}} expression per request: 3 % of an idle poll's CPU
 * (async-profiler, docs/benchmarks.md). Asked before Spring's resolvers (WebConfig). A literal
 * default is parsed once; one naming a property is left to Spring. Runs after
 * {@code StrictInput}, which refuses a parameter given twice or given empty.
 */
final class NumberParams implements HandlerMethodArgumentResolver {

    private final Map<MethodParameter, Param> params = new ConcurrentHashMap<>();

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(parameter.getParameterType());
        return param != null && (type == Integer.class || type == Long.class) && !param.defaultValue().contains("${")
                && !param.defaultValue().contains("#{");
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
            WebDataBinderFactory binders) throws Exception {
        Param param = params.computeIfAbsent(parameter, Param::of);
        String text = request.getParameter(param.name());
        if (text == null || text.isEmpty()) {
            if (param.fallback() != null || !param.required()) {
                return param.fallback();
            }
            throw new MissingServletRequestParameterException(param.name(), parameter.getParameterType().getSimpleName());
        }
        try {
            return NumberUtils.parseNumber(text, param.type());
        } catch (IllegalArgumentException malformed) {
            throw new MethodArgumentTypeMismatchException(text, parameter.getParameterType(), param.name(), parameter,
                    malformed);
        }
    }

    /** A parameter's name, its boxed type, whether it is required and its default (null: none). */
    private record Param(String name, Class<? extends Number> type, boolean required, Number fallback) {

        @SuppressWarnings("unchecked")
        static Param of(MethodParameter parameter) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            String name = !param.name().isEmpty() ? param.name() : parameter.getParameter().getName();
            Class<? extends Number> type =
                    (Class<? extends Number>) ClassUtils.resolvePrimitiveIfNecessary(parameter.getParameterType());
            Number fallback = ValueConstants.DEFAULT_NONE.equals(param.defaultValue()) ? null
                    : NumberUtils.parseNumber(param.defaultValue(), type);
            return new Param(name, type, param.required(), fallback);
        }
    }
}
