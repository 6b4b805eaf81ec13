package io.medmsg.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's whitelabel/JSON error page: whatever reaches the servlet error path (a filter
 * failure, an error Jetty raised once the request was in the application, such as an async
 * timeout) still answers with the envelope and without the framework's own message. Requests
 * Jetty refuses before the application sees them are answered by {@link JsonErrorHandler}.
 */
@RestController
class FallbackErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<Envelope<Void>> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int http = status instanceof Integer i ? i : 500;
        ErrorCode code = switch (http) {
            case 400 -> ErrorCode.BAD_PARAMETER;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN_ROLE;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_TYPE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> http >= 400 && http < 500 ? ErrorCode.BAD_PARAMETER : ErrorCode.INTERNAL;
        };
        String msg = switch (code) {
            case NOT_FOUND -> "no such endpoint";
            case INTERNAL -> "internal error";
            default -> "the request was refused (" + http + ")";
        };
        return ResponseEntity.status(code.status()).body(Envelope.error(code, msg, RequestIds.of(request)));
    }
}
