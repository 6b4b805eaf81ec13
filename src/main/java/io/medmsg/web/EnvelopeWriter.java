package io.medmsg.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes the envelope from places outside Spring MVC: filters and the security chain. */
@Component
public class EnvelopeWriter {

    private final JsonMapper json;

    EnvelopeWriter(JsonMapper json) {
        this.json = json;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String msg)
            throws IOException {
        response.setStatus(code.status().value());
        if (UnreadBody.pending(request)) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setCharacterEncoding("UTF-8");
        writeJson(response, Envelope.error(code, msg, RequestIds.of(request)));
    }

    private void writeJson(HttpServletResponse response, Envelope<?> envelope) throws IOException {
        byte[] body = json.writeValueAsBytes(envelope);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
