package io.medmsg.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers some requests before they reach the application — bad %-encoding in the path,
 * a request line or headers over the size limit, a request line it cannot parse — through the
 * server's error handler, whose default page is HTML. This one writes the API envelope instead,
 * so that every error a client can meet has it. Errors inside the application go to
 * {@link FallbackErrorController}, not here.
 */
class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int jettyStatus = response.getStatus();
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
            jettyStatus = http.getCode();
        }
        ErrorCode code = codeFor(jettyStatus);
        String msg = code == ErrorCode.INTERNAL ? "internal error"
                : "the request could not be read: " + HttpStatus.getMessage(jettyStatus) + " (" + jettyStatus + ")";
        String requestId = RequestIds.accept(request.getHeaders().get(RequestIds.HEADER));
        response.setStatus(code.status().value());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        // built by hand: msg and the request id are made of characters that need no JSON escaping
        String body = "{\"code\":" + code.code() + ",\"msg\":\"" + msg + "\",\"data\":null,\"request_id\":\"" + requestId + "\"}";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    /**
     * The API knows 400, 404, 405, 413, 415 and the 5xx of section 1. Jetty's own 414 (URI too
     * long), 431 (headers too large), 501 (unknown transfer coding) and 505 (HTTP version) have no
     * row there and are the client's doing, so they are answered as 400.
     */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_TYPE;
            case 503 -> ErrorCode.UNAVAILABLE;
            case 501, 505 -> ErrorCode.BAD_PARAMETER;
            default -> status < 500 ? ErrorCode.BAD_PARAMETER : ErrorCode.INTERNAL;
        };
    }
}
