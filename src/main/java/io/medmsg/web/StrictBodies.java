package io.medmsg.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every JSON body Spring MVC binds passes here first: it must be UTF-8 (the charset parameter,
 * if any, says so: API.md allows no other, and Spring would otherwise decode UTF-16 or UTF-32),
 * and its bytes must be strict UTF-8 without unpaired surrogate escapes ({@link JsonText}). The
 * body is at most {@code medmsg.limits.json-body-bytes} ({@link BodyLimitFilter}), so it is
 * read whole and handed on as bytes.
 */
@RestControllerAdvice
class StrictBodies extends RequestBodyAdviceAdapter {

    private final JsonMapper json;

    StrictBodies(JsonMapper json) {
        this.json = json;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return AbstractJacksonHttpMessageConverter.class.isAssignableFrom(converterType);
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        requireUtf8(message.getHeaders().getContentType());
        byte[] body = message.getBody().readAllBytes();
        String problem = JsonText.problem(body, json);
        if (problem != null) {
            throw ApiException.badParameter(problem);
        }
        HttpHeaders headers = message.getHeaders();
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        };
    }

    /** The one rule for a JSON body's charset: none given, or UTF-8 in any spelling. */
    static void requireUtf8(MediaType contentType) {
        Charset charset;
        try {
            charset = contentType == null ? null : contentType.getCharset();
        } catch (IllegalArgumentException unknown) {
            throw notUtf8(contentType.getParameter("charset"));
        }
        if (charset != null && !charset.equals(StandardCharsets.UTF_8)) {
            throw notUtf8(charset.name());
        }
    }

    private static ApiException notUtf8(String charset) {
        return new ApiException(ErrorCode.UNSUPPORTED_TYPE,
                "the request body must be application/json in UTF-8, not charset=" + charset);
    }
}
