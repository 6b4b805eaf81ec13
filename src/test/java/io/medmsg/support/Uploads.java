package io.medmsg.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import io.medmsg.support.Api.Reply;

import tools.jackson.databind.JsonNode;

/** What a client does with files: ask for a slot, PUT the bytes where it says, confirm, download. */
public final class Uploads {

    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Api api;

    public Uploads(Api api) {
        this.api = api;
    }

    public Reply preUpload(String face, String token, String name, long size, String mime, String sha256) {
        Map<String, Object> body = Tokens.body("file_name", name, "size", size, "mime_type", mime);
        if (sha256 != null) {
            body.put("sha256", sha256);
        }
        return api.post("/msg_service/msg/" + face + "/file/pre_upload", token, body);
    }

    public Reply confirm(String face, String token, String fileId) {
        return api.post("/msg_service/msg/" + face + "/file/upload_access", token, Tokens.body("file_id", fileId));
    }

    /** A slot for these bytes, asserted granted; returns its data. */
    public JsonNode slot(String face, String token, String name, String mime, byte[] bytes, boolean withSha) {
        Reply reply = preUpload(face, token, name, bytes.length, mime, withSha ? sha256(bytes) : null);
        if (reply.status() != 200) {
            throw new AssertionError("pre_upload refused: " + reply);
        }
        return reply.data();
    }

    /** PUTs the bytes to the slot's upload_url with its upload_headers, as a client would. */
    public static HttpResponse<String> put(JsonNode slot, byte[] bytes) {
        return put(slot, HttpRequest.BodyPublishers.ofByteArray(bytes), Map.of());
    }

    public static HttpResponse<String> put(JsonNode slot, HttpRequest.BodyPublisher body, Map<String, String> override) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(slot.get("upload_url").asString()))
                .timeout(Duration.ofSeconds(120));
        slot.get("upload_headers").properties().forEach(h -> {
            if (!override.containsKey(h.getKey())) {
                request.header(h.getKey(), h.getValue().asString());
            }
        });
        override.forEach(request::header);
        return send(request.method(slot.get("upload_method").asString(), body));
    }

    public static HttpResponse<byte[]> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<?> response) {
        Object body = response.body();
        String text = body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) body;
        return Api.JSON.readTree(text);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
