package io.medmsg.web;

/**
 * The one response shape of API.md: {@code {code, msg, data, request_id}}. Controllers return
 * {@link #ok(Object)}; the request id is filled in by {@link RequestIdAdvice}.
 */
public record Envelope<T>(int code, String msg, T data, String requestId) {

    public static <T> Envelope<T> ok(T data) {
        return new Envelope<>(0, "ok", data, null);
    }

    static Envelope<Void> error(ErrorCode errorCode, String msg, String requestId) {
        return new Envelope<>(errorCode.code(), msg, null, requestId);
    }

    Envelope<T> withRequestId(String id) {
        return new Envelope<>(code, msg, data, id);
    }
}
