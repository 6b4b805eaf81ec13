package io.medmsg.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api;

/**
 * A webhook receiver started by a test: the JDK's HTTP server on the loopback, recording every
 * request and answering what {@link #answer} says (200 unless a test says otherwise).
 */
final class Receiver implements AutoCloseable {

    /** One POST as it arrived, and the status it was answered with. */
    record Request(String path, Map<String, String> headers, String body, int answered) {

        JsonNode json() {
            return Api.JSON.readTree(body);
        }

        String type() {
            return json().get("type").asString();
        }

        String id() {
            return json().get("id").asString();
        }

        /** {@code data.session_id}, or the session of {@code data.consultation}. */
        String sessionId() {
            JsonNode data = json().get("data");
            JsonNode session = data.has("consultation") ? data.get("consultation").get("session_id") : data.get("session_id");
            return session == null ? null : session.asString();
        }

        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    final List<Request> received = new CopyOnWriteArrayList<>();
    volatile ToIntFunction<Request> answer = r -> 200;

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            Request asked = new Request(exchange.getRequestURI().getPath(), headers, body, 0);
            int status = answer.applyAsInt(asked);
            received.add(new Request(asked.path(), headers, body, status));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    /** What reached {@code path} about that session, in arrival order. */
    List<Request> of(String path, String sessionId) {
        return received.stream().filter(r -> r.path().equals(path) && sessionId.equals(r.sessionId())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
