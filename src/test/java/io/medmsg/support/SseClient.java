package io.medmsg.support;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/** Reads a Server-Sent Events stream into a queue of events and comments, as a browser would. */
public final class SseClient implements AutoCloseable {

    public record Event(String id, String name, String data, boolean comment) {
        public JsonNode json() {
            return Api.JSON.readTree(data);
        }
    }

    private static final Event END = new Event(null, "end", null, false);

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;
    private volatile int status;

    public SseClient(Api api, String path, String token, String lastEventId) {
        HttpRequest.Builder request = api.builder(path, token).header("Accept", "text/event-stream")
                .timeout(java.time.Duration.ofMinutes(5));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient client = HttpClient.newHttpClient();
        response = client.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        Thread.ofVirtual().start(this::read);
    }

    private void read() {
        try {
            HttpResponse<Stream<String>> r = response.get(30, TimeUnit.SECONDS);
            status = r.statusCode();
            lines = r.body();
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith(":")) {
                    events.add(new Event(null, null, line.substring(1).strip(), true));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && (name != null || data.length() > 0)) {
                    events.add(new Event(id, name, data.toString(), false));
                    id = null;
                    name = null;
                    data.setLength(0);
                }
            }
        } catch (Exception e) {
            // the stream ended
        } finally {
            events.add(END);
        }
    }

    public int status() {
        return status;
    }

    /** The next event (comments skipped), or null when the stream ended or nothing came in time. */
    public Event next(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null || e == END) {
                if (e == END) {
                    events.add(END);
                }
                return null;
            }
            if (!e.comment()) {
                return e;
            }
        }
    }

    /** The next thing on the stream, comments included; END-of-stream as null. */
    public Event nextAny(long seconds) throws InterruptedException {
        Event e = events.poll(seconds, TimeUnit.SECONDS);
        if (e == END) {
            events.add(END);
            return null;
        }
        return e;
    }

    /**
     * Waits for the comment the server writes once it has registered the stream and fixed where
     * it starts, so whatever is sent after this returns is on the stream.
     */
    public SseClient awaitConnected(long seconds) throws InterruptedException {
        Event first = nextAny(seconds);
        if (first == null || !first.comment() || !"connected".equals(first.data())) {
            throw new AssertionError("expected the stream's \"connected\" comment within " + seconds + " s, got " + first
                    + " (status " + status + ")");
        }
        return this;
    }

    /** Whether the server ended the stream within the time given. */
    public boolean endsWithin(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == END) {
                events.add(END);
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        response.cancel(true);
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
    }
}
