package io.medmsg.chat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * One event stream's response, on the servlet container's own async support rather than Spring
 * MVC's {@code SseEmitter}: a stream stays open for hours, and for each one the emitter kept a
 * copy of the response headers, a deferred result and their handlers, about 4 KB of heap that
 * nothing used after the first write (docs/benchmarks.md, realtime). Writes and the end take one
 * lock, so the end never cuts an event in half; a write may block on a client that stopped reading
 * (until the server's idle timeout), and whoever ends the stream then waits for it.
 *
 * <p>The response is committed first, with no content, through the filters' wrappers (Spring
 * Security writes its headers at the commit); every write after that goes to the container's own
 * stream as one buffer. A write of a byte array would be copied into an output buffer that Jetty
 * allocates at the first write and frees only when the response ends: 32 KB of native memory for
 * every open stream, for hours.
 */
final class EventWire {

    /** What the container tells the stream about its response. */
    interface Listener {
        /** The client went away or the response timed out: the wire ends itself, no write should follow. */
        void gone();

        /** The response is over, for whatever reason: its connection and descriptor are free. */
        void ended();
    }

    private final AsyncContext async;
    private final HttpServletResponse response;
    private final JsonMapper json;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean completed;
    private boolean committed;

    private EventWire(AsyncContext async, HttpServletResponse response, JsonMapper json) {
        this.async = async;
        this.response = response;
        this.json = json;
    }

    /** Answers the request with status 200 and {@code text/event-stream}, held for at most {@code timeout}. */
    static EventWire start(HttpServletRequest request, HttpServletResponse response, Duration timeout,
            JsonMapper json, Listener listener) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(timeout.toMillis());
        EventWire wire = new EventWire(async, response, json);
        async.addListener(wire.new Callbacks(listener));
        return wire;
    }

    void comment(String text) throws IOException {
        write(":" + text + "\n\n");
    }

    void event(long id, String name, Object data) throws IOException {
        write("id:" + id + "\nevent:" + name + "\ndata:" + json.writeValueAsString(data) + "\n\n");
    }

    /** Ends the response; once it has ended (here, by the container or after a failed write) nothing more is written. */
    void complete() {
        lock.lock();
        try {
            if (!completed) {
                completed = true;
                async.complete();
            }
        } catch (IllegalStateException alreadyOver) {
            // the container ended the request first
        } finally {
            lock.unlock();
        }
    }

    /** Throws IllegalStateException once the response has ended, IOException when the client is gone. */
    private void write(String text) throws IOException {
        lock.lock();
        try {
            if (completed) {
                throw new IllegalStateException("the event stream has ended");
            }
            if (!committed) {
                response.flushBuffer();
                committed = true;
            }
            containers(response).getOutputStream().write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        } finally {
            lock.unlock();
        }
    }

    /** The container's own response, under whatever wrappers the filters put on it. */
    private static ServletResponse containers(ServletResponse response) {
        ServletResponse inner = response;
        while (inner instanceof ServletResponseWrapper wrapper) {
            inner = wrapper.getResponse();
        }
        return inner;
    }

    private final class Callbacks implements AsyncListener {
        private final Listener listener;

        Callbacks(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            listener.ended();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            listener.gone();
            complete();
        }

        @Override
        public void onError(AsyncEvent event) {
            listener.gone();
            complete();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not started again
        }
    }
}
