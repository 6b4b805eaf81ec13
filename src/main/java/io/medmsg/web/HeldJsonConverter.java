package io.medmsg.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring's JSON converter, which writes a body held by {@link HeldAnswers} only once its condition
 * has returned: rendered into memory first (an envelope is a page at most), then waited for, then
 * copied out with its length. Every other body is written as Spring writes it.
 */
class HeldJsonConverter extends JacksonJsonHttpMessageConverter {

    /** Room for a page of messages without growing the buffer. */
    private static final int INITIAL_BYTES = 16 * 1024;

    private static final ResolvableType ENVELOPE = ResolvableType.forClass(Envelope.class);

    HeldJsonConverter(JsonMapper mapper) {
        super(mapper);
    }

    /** The envelope of an answer, as JSON ({@link EnvelopeAnswers}). */
    void writeAnswer(Object envelope, HttpOutputMessage output) throws IOException {
        output.getHeaders().set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        writeInternal(envelope, ENVELOPE, output, null);
    }

    @Override
    protected void writeInternal(Object object, ResolvableType type, HttpOutputMessage output,
            Map<String, Object> hints) throws IOException {
        Runnable until = HeldAnswers.take();
        if (until == null) {
            super.writeInternal(object, type, output, hints);
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(INITIAL_BYTES);
        super.writeInternal(object, type, new InMemory(output.getHeaders(), body), hints);
        until.run();
        // known now, and told: else the container, seeing more than its buffer in one write,
        // sends the body chunked, in two writes where one does (docs/benchmarks.md)
        output.getHeaders().setContentLength(body.size());
        body.writeTo(output.getBody());
    }

    private record InMemory(HttpHeaders headers, OutputStream body) implements HttpOutputMessage {
        @Override
        public OutputStream getBody() {
            return body;
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }
}
