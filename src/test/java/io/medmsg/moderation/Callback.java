package io.medmsg.moderation;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A before-send callback started by a test: answers 200 with what {@link #answer} returns for the body (null: 500). */
final class Callback implements AutoCloseable {

    record Asked(Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    final List<Asked> asked = new CopyOnWriteArrayList<>();
    volatile Function<String, String> answer = body -> "{\"action\":\"allow\"}";
    volatile long delayMillis;

    Callback() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/moderate";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            asked.add(new Asked(headers, body));
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            String reply = answer.apply(body);
            if (reply == null) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException closedByTheClient) {
            // the caller gave up (its timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
