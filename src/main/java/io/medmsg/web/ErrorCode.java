package io.medmsg.web;

import org.springframework.http.HttpStatus;

/** The error codes of API.md section 1, each with the HTTP status that carries its class. */
public enum ErrorCode {
    BAD_PARAMETER(HttpStatus.BAD_REQUEST, 40001,
            "a parameter is missing, malformed or out of range (msg names it)"),
    BAD_CURSOR(HttpStatus.BAD_REQUEST, 40002,
            "the cursor is not one this server issued"),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, 40101,
            "no token, bad signature, expired, or wrong issuer/audience"),
    FORBIDDEN_ROLE(HttpStatus.FORBIDDEN, 40301,
            "authenticated, but this role may not call this endpoint"),
    BAD_SIGNATURE(HttpStatus.FORBIDDEN, 40302,
            "an upload/download URL signature is invalid or expired"),
    NOT_FOUND(HttpStatus.NOT_FOUND, 40401,
            "no such doctor / session / message / file for this caller"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, 40501,
            "the method is not allowed on this path"),
    /** Not in API.md's table: the request body stopped arriving before its declared end (the idle timeout passed). */
    REQUEST_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, 40801,
            "the request body stopped arriving before its declared end"),
    CLIENT_MSG_ID_CONFLICT(HttpStatus.CONFLICT, 40901,
            "client_msg_id (or order_no) reused with different content"),
    DOCTOR_NOT_ACCEPTING(HttpStatus.CONFLICT, 40902,
            "the doctor is not accepting consultations"),
    FILE_STATE(HttpStatus.CONFLICT, 40903,
            "the file is not in the right state (not uploaded yet, already rejected, not ready)"),
    RECALL_TOO_LATE(HttpStatus.CONFLICT, 40904,
            "the message can no longer be recalled"),
    NO_OPEN_CONSULTATION(HttpStatus.CONFLICT, 40905,
            "no open consultation in this session"),
    ROUNDS_USED_UP(HttpStatus.CONFLICT, 40906,
            "the consultation's rounds are used up"),
    CONSULTATION_STATE(HttpStatus.CONFLICT, 40907,
            "a consultation is already open, or the transition is not allowed from its status"),
    TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, 41301,
            "body or declared file size over the limit (msg gives the limit)"),
    UNSUPPORTED_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 41501,
            "content type not allowed, or the bytes do not match the declared type"),
    /** Not in API.md's table: request headers (usually the token) over server.max-http-request-header-size. */
    HEADERS_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, 43101,
            "the request headers are too large, usually the token"),
    VERIFICATION_FAILED(HttpStatus.UNPROCESSABLE_CONTENT, 42201,
            "upload verification failed (size or sha256 mismatch)"),
    MODERATION_REFUSED(HttpStatus.UNPROCESSABLE_CONTENT, 42202,
            "the text was refused by moderation"),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, 42901,
            "rate limit hit; Retry-After is set"),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, 50001,
            "internal error"),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, 50301,
            "a dependency (database, object store) is unavailable; Retry-After is set"),
    STORAGE_FULL(HttpStatus.INSUFFICIENT_STORAGE, 50701,
            "the server's storage is full; nothing was stored");

    private final HttpStatus status;
    private final int code;
    private final String meaning;

    ErrorCode(HttpStatus status, int code, String meaning) {
        this.status = status;
        this.code = code;
        this.meaning = meaning;
    }

    public HttpStatus status() {
        return status;
    }

    public int code() {
        return code;
    }

    /** What the code means, as API.md's table says; for the OpenAPI document. */
    public String meaning() {
        return meaning;
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
