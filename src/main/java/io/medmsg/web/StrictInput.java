package io.medmsg.web;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * The rules of what a request may look like, in one place (issue 16): JSON without duplicate
 * keys or coerced types, a body's Content-Type a concrete type, query parameters given once and
 * not empty when they are numbers, and answers in JSON whatever {@code Accept} says. The body's bytes (UTF-8, surrogate pairs) and
 * charset are checked by {@link StrictBodies}.
 */
@Configuration(proxyBeanMethods = false)
class StrictInput implements WebMvcConfigurer {

    /**
     * On the application's one JSON mapper, so that whatever parses with it holds the same
     * rules. Duplicate keys: which one wins is
     * undefined between parsers, so a proxy that checked the first may pass the second. No
     * coercion: {@code "text": 123} is a client bug to report, not a message "123"; a fraction
     * is not a seq; {@code "seq": "5"} is not a number. What the application reads of its own
     * (stored events, cards) it wrote itself with this mapper, so nothing it stored breaks.
     */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new OneValuePerParameter());
    }

    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        configurer.strategies(List.of(new AnswerInOurType()));
    }

    /**
     * {@code limit=1&limit=500}: Spring would bind the first and ignore the rest, so a proxy or
     * cache that read the last would see another request than we answer. {@code limit=}: Spring
     * would quietly use the default. Both are refused naming the parameter. An empty text
     * parameter stays "not given" (the web client's first page sends {@code cursor=}).
     */
    private static final class OneValuePerParameter implements HandlerInterceptor {

        /** What each handler method reads, taken from its annotations once rather than per request. */
        private final Map<Method, Reads> reads = new ConcurrentHashMap<>();

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            // once, on arrival: when a held poll is answered, Jetty's async dispatch lists each query
            // parameter twice (the request's and the dispatch's), and nothing new has arrived
            if (!(handler instanceof HandlerMethod method) || request.getDispatcherType() != DispatcherType.REQUEST) {
                return true;
            }
            Reads read = reads.computeIfAbsent(method.getMethod(), m -> Reads.of(method));
            if (read.body()) {
                requireConcreteType(request.getContentType());
            }
            for (Query query : read.queries()) {
                String[] values = request.getParameterValues(query.name());
                if (values == null) {
                    continue;
                }
                if (values.length > 1) {
                    throw ApiException.badParameter(query.name() + " is given " + values.length + " times; give it once");
                }
                if (values[0].isEmpty() && !query.text()) {
                    throw ApiException.badParameter(query.name() + " is empty; give a value or leave it out");
                }
            }
            return true;
        }

        /** Whether a handler method reads a body, and its query parameters. */
        private record Reads(boolean body, List<Query> queries) {

            static Reads of(HandlerMethod method) {
                boolean body = false;
                List<Query> queries = new ArrayList<>();
                for (MethodParameter parameter : method.getMethodParameters()) {
                    body |= parameter.hasParameterAnnotation(RequestBody.class);
                    if (parameter.hasParameterAnnotation(RequestParam.class)) {
                        queries.add(new Query(QueryParams.nameOf(parameter), parameter.getParameterType() == String.class));
                    }
                }
                return new Reads(body, List.copyOf(queries));
            }
        }

        private record Query(String name, boolean text) {
        }

        /**
         * A Content-Type that is no type at all ({@code *}{@code /*}, {@code application/*}) or
         * cannot be parsed: Spring would fail on it with an IllegalArgumentException (a 500) before
         * it looked for a converter. Any other type that is not JSON is refused by Spring itself.
         */
        private static void requireConcreteType(String contentType) {
            if (contentType == null) {
                return;
            }
            boolean concrete;
            try {
                concrete = MediaType.parseMediaType(contentType).isConcrete();
            } catch (InvalidMediaTypeException unparseable) {
                concrete = false;
            }
            if (!concrete) {
                throw new ApiException(ErrorCode.UNSUPPORTED_TYPE,
                        "the request body must be sent as application/json in UTF-8, not " + contentType);
            }
        }
    }

    /**
     * The API speaks JSON (and its event stream, text/event-stream): a client whose Accept lists
     * neither, say {@code application/xml}, gets JSON rather than a 406 it can do nothing with,
     * which HTTP allows. Our types are added to what the client accepts, last; what it asks for
     * that we have (text/csv of the audit export) still wins. An Accept that cannot be parsed
     * counts as none.
     */
    private static final class AnswerInOurType implements ContentNegotiationStrategy {
        private static final MediaType JSON = MediaType.APPLICATION_JSON.copyQualityValue(MediaType.parseMediaType("*/*;q=0.001"));
        private static final MediaType EVENTS = MediaType.TEXT_EVENT_STREAM.copyQualityValue(MediaType.parseMediaType("*/*;q=0.001"));
        private final HeaderContentNegotiationStrategy header = new HeaderContentNegotiationStrategy();

        @Override
        public List<MediaType> resolveMediaTypes(NativeWebRequest request) {
            List<MediaType> asked;
            try {
                asked = header.resolveMediaTypes(request);
            } catch (HttpMediaTypeNotAcceptableException unreadable) {
                return MEDIA_TYPE_ALL_LIST;
            }
            if (asked.equals(MEDIA_TYPE_ALL_LIST)) {
                return asked;
            }
            List<MediaType> types = new ArrayList<>(asked);
            types.add(JSON);
            types.add(EVENTS);
            return types;
        }
    }
}
