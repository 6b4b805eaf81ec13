package io.medmsg.web;

import java.time.Duration;

/**
 * A failure a client can act on. Services throw it; {@link ApiExceptionHandler} turns it into
 * the envelope. The message is shown to clients, so it names the field or limit and never
 * carries message text, tokens or internal details.
 */
public class ApiException extends RuntimeException {

    private final ErrorCode errorCode;
    private final Duration retryAfter;

    public ApiException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public ApiException(ErrorCode errorCode, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public static ApiException badParameter(String message) {
        return new ApiException(ErrorCode.BAD_PARAMETER, message);
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, "no such " + what);
    }
}
