package io.medmsg.web;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.ControllerAdviceBean;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Writes the {@link Envelope} a controller answers with, held when {@link HeldAnswers} asks: in
 * JSON whatever {@code Accept} says ({@link StrictInput}), after every {@code ResponseBodyAdvice}
 * bean (the request id, the audit record) as Spring MVC would run them. Spring's processor of
 * {@code @ResponseBody} values negotiated the content type, asked every converter whether it could
 * write the value, resolved the method's generic return type and looked for a download-worthy file
 * name in the path for each answer, to arrive at the same JSON: 11 % of an idle poll's CPU in the
 * profile, against about 3 % for the JSON itself (docs/benchmarks.md). No answer needs the file
 * name check: it guards against a path ending in {@code ;name.bat}, and the firewall refuses any
 * path with a semicolon ({@code auth.FirewallChars}). Every other return value (a file, the CSV
 * export, an event stream, a {@code ResponseEntity}) is Spring's as before.
 */
final class EnvelopeAnswers implements HandlerMethodReturnValueHandler {

    /** Whether a controller class answers with response bodies; asked for each answer, so remembered per class. */
    private static final ClassValue<Boolean> ANSWERS_WITH_BODIES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return AnnotatedElementUtils.hasAnnotation(type, ResponseBody.class);
        }
    };

    private final HeldJsonConverter json;
    private final List<Advising> advice;

    /** {@code advice}: the application's controller advice beans, in their order; those that advise response bodies act. */
    @SuppressWarnings("unchecked")
    EnvelopeAnswers(HeldJsonConverter json, List<ControllerAdviceBean> advice) {
        this.json = json;
        this.advice = advice.stream()
                .filter(bean -> bean.getBeanType() != null && ResponseBodyAdvice.class.isAssignableFrom(bean.getBeanType()))
                .map(bean -> new Advising(bean, (ResponseBodyAdvice<Object>) bean.resolveBean()))
                .toList();
    }

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        return Envelope.class.isAssignableFrom(returnType.getParameterType())
                && (ANSWERS_WITH_BODIES.get(returnType.getContainingClass()) || returnType.hasMethodAnnotation(ResponseBody.class));
    }

    @Override
    public void handleReturnValue(Object value, MethodParameter returnType, ModelAndViewContainer mav,
            NativeWebRequest request) throws IOException {
        mav.setRequestHandled(true);
        ServletServerHttpRequest in = new ServletServerHttpRequest(request.getNativeRequest(HttpServletRequest.class));
        ServletServerHttpResponse out = new ServletServerHttpResponse(request.getNativeResponse(HttpServletResponse.class));
        Object body = advised(value, returnType, in, out);
        if (body != null) {
            // not flushed: a body that fits the container's buffer goes out with its length, not chunked
            json.writeAnswer(body, out);
        }
    }

    private Object advised(Object value, MethodParameter returnType, ServletServerHttpRequest in,
            ServletServerHttpResponse out) {
        Object body = value;
        for (Advising each : advice) {
            if (each.bean().isApplicableToBeanType(returnType.getContainingClass())
                    && each.advice().supports(returnType, HeldJsonConverter.class)) {
                body = each.advice().beforeBodyWrite(body, returnType, MediaType.APPLICATION_JSON, HeldJsonConverter.class,
                        in, out);
            }
        }
        return body;
    }

    private record Advising(ControllerAdviceBean bean, ResponseBodyAdvice<Object> advice) {
    }
}
