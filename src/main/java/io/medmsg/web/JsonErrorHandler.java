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
        ErrorCode code = ErrorCode.forStatus(jettyStatus);
        String msg = switch (code) {
            case INTERNAL -> "internal error";
            case HEADERS_TOO_LARGE -> "the request headers are too large: the token or another header is longer than "
                    + "this server accepts (server.max-http-request-header-size)";
            default -> "the request could not be read: " + HttpStatus.getMessage(jettyStatus) + " (" + jettyStatus + ")";
        };
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
}
