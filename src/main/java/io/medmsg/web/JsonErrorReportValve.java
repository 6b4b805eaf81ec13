package io.medmsg.web;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat answers some requests before they reach the application — a request line with
 * characters it will not parse, for example — with an HTML error page. This valve writes the API
 * envelope instead, so that every error a client can meet has it.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        int code = switch (status) {
            case 400 -> ErrorCode.BAD_PARAMETER.code();
            case 404 -> ErrorCode.NOT_FOUND.code();
            case 413 -> ErrorCode.TOO_LARGE.code();
            case 503 -> ErrorCode.UNAVAILABLE.code();
            default -> status < 500 ? ErrorCode.BAD_PARAMETER.code() : ErrorCode.INTERNAL.code();
        };
        String msg = status < 500 ? "the request could not be read (" + status + ")" : "internal error";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"code\":" + code + ",\"msg\":\"" + msg + "\",\"data\":null,\"request_id\":null}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone or the response was already sent
        }
    }
}
