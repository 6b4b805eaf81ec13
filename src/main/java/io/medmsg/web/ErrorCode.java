package io.medmsg.web;

import org.springframework.http.HttpStatus;

/** The error codes of API.md section 1, each with the HTTP status that carries its class. */
public enum ErrorCode {
    BAD_PARAMETER(HttpStatus.BAD_REQUEST, 40001),
    BAD_CURSOR(HttpStatus.BAD_REQUEST, 40002),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, 40101),
    FORBIDDEN_ROLE(HttpStatus.FORBIDDEN, 40301),
    BAD_SIGNATURE(HttpStatus.FORBIDDEN, 40302),
    NOT_FOUND(HttpStatus.NOT_FOUND, 40401),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, 40501),
    /** Not in API.md's table: the request body stopped arriving before its declared end (the idle timeout passed). */
    REQUEST_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, 40801),
    CLIENT_MSG_ID_CONFLICT(HttpStatus.CONFLICT, 40901),
    DOCTOR_NOT_ACCEPTING(HttpStatus.CONFLICT, 40902),
    FILE_STATE(HttpStatus.CONFLICT, 40903),
    RECALL_TOO_LATE(HttpStatus.CONFLICT, 40904),
    NO_OPEN_CONSULTATION(HttpStatus.CONFLICT, 40905),
    ROUNDS_USED_UP(HttpStatus.CONFLICT, 40906),
    CONSULTATION_STATE(HttpStatus.CONFLICT, 40907),
    TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, 41301),
    UNSUPPORTED_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 41501),
    /** Not in API.md's table: request headers (usually the token) over server.max-http-request-header-size. */
    HEADERS_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, 43101),
    VERIFICATION_FAILED(HttpStatus.UNPROCESSABLE_CONTENT, 42201),
    MODERATION_REFUSED(HttpStatus.UNPROCESSABLE_CONTENT, 42202),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, 42901),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, 50001),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, 50301),
    STORAGE_FULL(HttpStatus.INSUFFICIENT_STORAGE, 50701);

    private final HttpStatus status;
    private final int code;

    ErrorCode(HttpStatus status, int code) {
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public int code() {
        return code;
    }

    /**
     * The code for an error status the container or the framework chose (not one of ours). A
     * status without a row in API.md — 414, or Jetty's 501 (unknown transfer coding) and 505
     * (HTTP version) — is the client's doing and answered as 400; any other 5xx as 500. 431 has
     * its own code, so that a client can tell a token too large to send from a bad request.
     */
    static ErrorCode forStatus(int http) {
        return switch (http) {
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN_ROLE;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 408 -> REQUEST_TIMEOUT;
            case 413 -> TOO_LARGE;
            case 415 -> UNSUPPORTED_TYPE;
            case 431 -> HEADERS_TOO_LARGE;
            case 503 -> UNAVAILABLE;
            case 507 -> STORAGE_FULL;
            case 501, 505 -> BAD_PARAMETER;
            default -> http >= 400 && http < 500 ? BAD_PARAMETER : INTERNAL;
        };
    }
}
