package io.medmsg.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Hidden;

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
@Hidden // not an endpoint of the API: where the container sends errors
@RestController
class FallbackErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<Envelope<Void>> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int http = status instanceof Integer i ? i : 500;
        ErrorCode code = ErrorCode.forStatus(http);
        String msg = switch (code) {
            case NOT_FOUND -> "no such endpoint";
            case INTERNAL -> "internal error";
            default -> "the request was refused (" + http + ")";
        };
        return ApiExceptionHandler.status(code, request).body(Envelope.error(code, msg, RequestIds.of(request)));
    }
}
