package io.medmsg.web;

import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
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
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

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
        BodyLimitFilter.ClientBodyFailure client = BodyLimitFilter.clientFailure(e);
        if (client != null) {
            return clientFailure(client, request);
        }
        if (e.getCause() instanceof JacksonException jackson) {
            String duplicate = duplicateKey(jackson);
            String field = field(jackson.getPath(), duplicate);
            if (duplicate != null) {
                return respond(ErrorCode.BAD_PARAMETER, "the request body has the field " + field
                        + " more than once", request);
            }
            if (jackson instanceof DatabindException && field != null) {
                String expected = jackson instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                        ? describe(mismatch.getTargetType()) : null;
                return respond(ErrorCode.BAD_PARAMETER, "the request body field " + field
                        + (expected != null ? " must be " + expected : " has the wrong type"), request);
            }
        }
        return respond(ErrorCode.BAD_PARAMETER, "the request body is missing or is not valid JSON", request);
    }

    /** Jackson's words for a duplicate key (StreamReadFeature.STRICT_DUPLICATE_DETECTION): the key, or null. */
    private static String duplicateKey(JacksonException e) {
        java.util.regex.Matcher m = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        return m.find() ? m.group(1) : null;
    }

    private static final java.util.regex.Pattern DUPLICATE =
            java.util.regex.Pattern.compile("^Duplicate (?:Object property|field) [\"']([^\"']{1,100})[\"']");

    /** {@code card.fields[0].value} from Jackson's path, with {@code last} appended; null when there is nothing. */
    private static String field(java.util.List<JacksonException.Reference> path, String last) {
        String joined = path.stream()
                .map(ref -> ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("")) + (last != null ? "." + last : "");
        return joined.isEmpty() ? null : joined.startsWith(".") ? joined.substring(1) : joined;
    }

    /**
     * The client stopped sending its body (408, so that it knows to send again) or went away (a
     * 400 it may never read). Either is its doing: one line at INFO, no stack, and the connection
     * is closed since the rest of the body will not come.
     */
    private static ResponseEntity<Envelope<Void>> clientFailure(BodyLimitFilter.ClientBodyFailure failure,
            HttpServletRequest request) {
        if (failure.timedOut()) {
            log.info("{} {}: the request body did not arrive in time ({}); answered 408", request.getMethod(),
                    request.getRequestURI(), failure.getMessage());
            return status(ErrorCode.REQUEST_TIMEOUT, request).header(HttpHeaders.CONNECTION, "close")
                    .body(Envelope.error(ErrorCode.REQUEST_TIMEOUT, "the request body did not arrive in time: it "
                            + "stopped before its declared length", RequestIds.of(request)));
        }
        log.info("{} {}: the client went away or ended the body early ({})", request.getMethod(),
                request.getRequestURI(), failure.getMessage());
        return status(ErrorCode.BAD_PARAMETER, request).header(HttpHeaders.CONNECTION, "close")
                .body(Envelope.error(ErrorCode.BAD_PARAMETER, "the request body ended before its declared length",
                        RequestIds.of(request)));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Envelope<Void>> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(ErrorCode.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here", request);
    }

    /**
     * Also a Content-Type Spring cannot parse or use: a wildcard ({@code *}{@code /*}), a
     * multipart type (no endpoint takes one; multipart parsing is off), an unknown charset.
     */
    @ExceptionHandler({HttpMediaTypeNotSupportedException.class, InvalidMediaTypeException.class,
        MultipartException.class, UnsupportedCharsetException.class, IllegalCharsetNameException.class})
    ResponseEntity<Envelope<Void>> mediaType(Exception e, HttpServletRequest request) {
        return respond(ErrorCode.UNSUPPORTED_TYPE, "the request body must be sent as application/json in UTF-8",
                request);
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
        BodyLimitFilter.ClientBodyFailure client = BodyLimitFilter.clientFailure(e);
        if (client != null) {
            return clientFailure(client, request);
        }
        log.error("internal error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(ErrorCode.INTERNAL, "internal error", request);
    }

    private static ResponseEntity<Envelope<Void>> respond(ErrorCode code, String msg, HttpServletRequest request) {
        return status(code, request).body(Envelope.error(code, msg, RequestIds.of(request)));
    }

    /**
     * The content type is set, not negotiated: an error is the JSON envelope whatever the request's
     * Accept says (audit/records with Accept: text/csv included).
     */
    static ResponseEntity.BodyBuilder status(ErrorCode code, HttpServletRequest request) {
        return ResponseEntity.status(code.status()).contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> UnreadBody.closeIfPending(request, headers));
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a valid value";
    }
}
