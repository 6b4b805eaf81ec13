package io.medmsg.web;

import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.DatabindException;

import io.medmsg.shared.DependencyFailure;

/** The one place where failures become the API envelope. */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Envelope<Void>> api(ApiException e, HttpServletRequest request) {
        ResponseEntity.BodyBuilder builder = status(e.errorCode(), request);
        if (e.retryAfter() != null) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            builder.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
        return builder.body(Envelope.error(e.errorCode(), e.getMessage(), RequestIds.of(request)));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Envelope<Void>> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return respond(ErrorCode.BAD_PARAMETER, e.getParameterName() + " is required", request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Envelope<Void>> mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        String expected = e.getRequiredType() == null ? "a valid value" : describe(e.getRequiredType());
        return respond(ErrorCode.BAD_PARAMETER, e.getName() + " must be " + expected, request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Envelope<Void>> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        if (BodyLimitFilter.wasExceeded(e)) {
            return respond(ErrorCode.TOO_LARGE, BodyLimitFilter.message(request), request);
        }
        if (e.getCause() instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            String field = databind.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return respond(ErrorCode.BAD_PARAMETER, "the request body field " + field + " has the wrong type", request);
        }
        return respond(ErrorCode.BAD_PARAMETER, "the request body is missing or is not valid JSON", request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Envelope<Void>> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(ErrorCode.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here", request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Envelope<Void>> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return respond(ErrorCode.UNSUPPORTED_TYPE, "the request body must be sent as application/json", request);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Envelope<Void>> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        return respond(ErrorCode.UNSUPPORTED_TYPE, "this endpoint answers only application/json", request);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Envelope<Void>> noRoute(NoResourceFoundException e, HttpServletRequest request) {
        return respond(ErrorCode.NOT_FOUND, "no such endpoint", request);
    }

    /**
     * A dependency failed, not the request. The module that met the failure says which kind it is
     * ({@link DependencyFailure}), as the thrown exception or one of its causes; a resource failure
     * Spring reports without one is a database that cannot be reached. Either way the client hears
     * at once when to try again, instead of waiting on the dependency or reading "internal error".
     */
    @ExceptionHandler({DependencyFailure.class, CannotGetJdbcConnectionException.class,
        DataAccessResourceFailureException.class})
    ResponseEntity<Envelope<Void>> dependency(Exception e, HttpServletRequest request) {
        DependencyFailure failure = DependencyFailure.in(e);
        boolean full = failure != null && failure.kind() == DependencyFailure.Kind.STORAGE_FULL;
        // the cause, not its stack: during an outage every request would log one
        log.warn("{} on {} {}: {}", full ? "storage full" : "dependency unavailable", request.getMethod(),
                request.getRequestURI(), failure != null ? failure.getMessage() : String.valueOf(e));
        ErrorCode code = full ? ErrorCode.STORAGE_FULL : ErrorCode.UNAVAILABLE;
        String msg = full ? "the server's storage is full; nothing was stored"
                : "a dependency of the service is unavailable; try again shortly";
        return api(new ApiException(code, msg, DependencyFailure.RETRY_AFTER), request);
    }

    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone() {
        // the client hung up; there is nobody left to answer
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Envelope<Void>> unexpected(Exception e, HttpServletRequest request) {
        // Jetty decodes the query string when a parameter is first read, inside the application:
        // bad %-encoding or bytes that are not UTF-8 surface here as its 400 "Bad query"
        if (e instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
            return respond(ErrorCode.BAD_PARAMETER,
                    "the query string could not be read (" + http.getCode() + " " + HttpStatus.getMessage(http.getCode())
                            + "): parameters must be %-encoded UTF-8", request);
        }
        if (DependencyFailure.in(e) != null) {
            return dependency(e, request);
        }
        log.error("internal error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(ErrorCode.INTERNAL, "internal error", request);
    }

    private static ResponseEntity<Envelope<Void>> respond(ErrorCode code, String msg, HttpServletRequest request) {
        return status(code, request).body(Envelope.error(code, msg, RequestIds.of(request)));
    }

    static ResponseEntity.BodyBuilder status(ErrorCode code, HttpServletRequest request) {
        return ResponseEntity.status(code.status()).headers(headers -> UnreadBody.closeIfPending(request, headers));
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return "a valid value";
    }
}
