package io.medmsg.moderation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.events.Signature;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * Decides whether a text or card may be appended (API.md §5): the word list first (no round
 * trip), then the before-send callback when one is configured. A refusal is 422/42202 and its
 * message never names the word. System messages are never asked about: only the senders' own
 * texts and cards come here.
 */
@Service
public class Moderation {

    private static final Logger log = LoggerFactory.getLogger(Moderation.class);
    private static final String REFUSED = "the message was refused by moderation";

    private final ModerationSettings settings;
    private final WordList words;
    private final JsonMapper json;
    private final HttpClient http;

    Moderation(ModerationSettings settings, JsonMapper json) {
        this.settings = settings;
        this.json = json;
        try {
            this.words = new WordList(settings.wordsFile() == null ? List.of()
                    : Files.readAllLines(settings.wordsFile(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("medmsg.moderation.words-file cannot be read", e);
        }
        this.http = settings.url() == null ? null
                : HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        if (words.size() > 0) {
            log.info("moderation: {} words", words.size());
        }
    }

    /** Who is sending: the callback is told. */
    public record Sender(String role, String id) {
    }

    /** The text to append: {@code text} itself, or the callback's replacement; 42202 when refused. */
    public String text(Sender sender, String text) {
        if (words.matches(text)) {
            throw refused();
        }
        JsonNode answer = ask(sender, "text", text, null);
        if (answer == null) {
            return text;
        }
        String action = answer.path("action").asString("");
        return switch (action) {
            case "allow" -> text;
            case "reject" -> throw refused();
            case "replace" -> {
                JsonNode replaced = answer.get("text");
                if (replaced == null || !replaced.isString() || replaced.asString().isBlank()) {
                    failed("answered replace without a text");
                    yield text;
                }
                yield replaced.asString();
            }
            default -> {
                failed("answered action " + action);
                yield text;
            }
        };
    }

    /** A card passes or is refused; a callback's {@code replace} cannot rewrite a card, so it refuses it. */
    public void card(Sender sender, String cardJson) {
        if (words.matches(cardJson)) {
            throw refused();
        }
        JsonNode answer = ask(sender, "card", null, cardJson);
        if (answer == null) {
            return;
        }
        String action = answer.path("action").asString("");
        switch (action) {
            case "allow" -> {
            }
            case "reject", "replace" -> throw refused();
            default -> failed("answered action " + action);
        }
    }

    /** The callback's answer; null when there is no callback, or it failed and on-failure allows. */
    private JsonNode ask(Sender sender, String msgType, String text, String card) {
        if (http == null) {
            return null;
        }
        Map<String, Object> question = new LinkedHashMap<>();
        question.put("sender_role", sender.role());
        question.put("sender_id", sender.id());
        question.put("msg_type", msgType);
        question.put("text", text);
        question.put("card", card == null ? null : json.readTree(card));
        String body = json.writeValueAsString(question);
        String id = "mod_" + UUID.randomUUID().toString().replace("-", "");
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.url())).timeout(settings.timeout())
                .header("content-type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signature.header(List.of(settings.key()), id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 != 2) {
                return failedAnswer("answered HTTP " + response.statusCode());
            }
            return json.readTree(response.body());
        } catch (IOException | RuntimeException e) {
            return failedAnswer(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failedAnswer("interrupted");
        }
    }

    private JsonNode failedAnswer(String why) {
        failed(why);
        return null;
    }

    /** The callback failed: on-failure decides (allow: the caller goes on with the original). */
    private void failed(String why) {
        log.warn("moderation callback {}: on-failure={}", why, settings.onFailure());
        if (settings.rejectOnFailure()) {
            throw refused();
        }
    }

    private static ApiException refused() {
        return new ApiException(ErrorCode.MODERATION_REFUSED, REFUSED);
    }
}
