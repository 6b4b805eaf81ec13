package io.medmsg.chat;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.medmsg.web.ApiException;

/**
 * The limits of a card (API.md §4), checked before anything is stored: a bad card is 400/40001
 * naming the field. The card is read from the request as a JSON tree, so that a title given as a
 * number or a link given as a string is refused by name instead of failing to bind.
 */
final class CardRules {

    static final int TITLE_MAX = 100;
    static final int BODY_MAX = 2000;
    static final int FIELDS_MAX = 20;
    static final int LABEL_MAX = 50;
    static final int VALUE_MAX = 500;
    static final int LINK_TEXT_MAX = 50;
    static final int URL_MAX = 2000;
    static final int DATA_MAX_BYTES = 8 * 1024;

    private static final Pattern OWN_TYPE = Pattern.compile("x-[a-z0-9-]{1,30}");
    private static final List<String> TYPES = List.of("intake", "summary", "prescription", "notice");

    private CardRules() {
    }

    /** The card of a request, validated, as the JSON it is stored as; null when absent and optional. */
    static String json(JsonNode node, String name, boolean required, JsonMapper json) {
        if (!required && absent(node)) {
            return null;
        }
        return json.writeValueAsString(card(node, name, json));
    }

    /** The card of a request, validated; {@code name} is the field that holds it ("card", "summary", "intake"). */
    static Card card(JsonNode node, String name, JsonMapper json) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw ApiException.badParameter(name + " is required");
        }
        if (!node.isObject()) {
            throw ApiException.badParameter(name + " must be an object");
        }
        String type = string(node, name, "card_type", 1, 32, true);
        if (!TYPES.contains(type) && !OWN_TYPE.matcher(type).matches()) {
            throw ApiException.badParameter(name + ".card_type must be intake, summary, prescription, notice "
                    + "or x- followed by 1-30 characters of a-z, 0-9 and -");
        }
        String title = string(node, name, "title", 1, TITLE_MAX, true);
        String body = string(node, name, "body", 0, BODY_MAX, false);
        return new Card(type, title, body, fields(node.get("fields"), name), link(node.get("link"), name),
                data(node.get("data"), name, json));
    }

    private static List<Card.Field> fields(JsonNode node, String name) {
        if (absent(node)) {
            return null;
        }
        if (!node.isArray()) {
            throw ApiException.badParameter(name + ".fields must be an array");
        }
        if (node.size() > FIELDS_MAX) {
            throw ApiException.badParameter(name + ".fields may hold at most " + FIELDS_MAX + " entries");
        }
        List<Card.Field> fields = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode f = node.get(i);
            String at = name + ".fields[" + i + "]";
            if (!f.isObject()) {
                throw ApiException.badParameter(at + " must be an object with label and value");
            }
            fields.add(new Card.Field(string(f, at, "label", 1, LABEL_MAX, true), string(f, at, "value", 0, VALUE_MAX, true)));
        }
        return fields;
    }

    private static Card.Link link(JsonNode node, String name) {
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.badParameter(name + ".link must be an object with url and text");
        }
        String url = string(node, name + ".link", "url", 1, URL_MAX, true);
        if (!isHttps(url)) {
            throw ApiException.badParameter(name + ".link.url must be an absolute https: URL");
        }
        return new Card.Link(url, string(node, name + ".link", "text", 0, LINK_TEXT_MAX, false));
    }

    /** An absolute https URL with a host; anything a browser could run (javascript:, data:) fails here. */
    static boolean isHttps(String url) {
        try {
            URI uri = new URI(url);
            return uri.isAbsolute() && uri.getScheme().toLowerCase(Locale.ROOT).equals("https")
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static ObjectNode data(JsonNode node, String name, JsonMapper json) {
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.badParameter(name + ".data must be a JSON object");
        }
        if (json.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length > DATA_MAX_BYTES) {
            throw ApiException.badParameter(name + ".data must be at most " + DATA_MAX_BYTES + " bytes of JSON");
        }
        return (ObjectNode) node;
    }

    private static String string(JsonNode parent, String at, String field, int min, int max, boolean required) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            if (required) {
                throw ApiException.badParameter(at + "." + field + " is required");
            }
            return null;
        }
        if (!node.isString()) {
            throw ApiException.badParameter(at + "." + field + " must be a string");
        }
        String value = node.asString();
        int length = value.codePointCount(0, value.length());
        if (length < min || length > max) {
            throw ApiException.badParameter(at + "." + field + " must be " + min + "-" + max + " characters long");
        }
        if (hasControl(value)) {
            throw ApiException.badParameter(at + "." + field + " must not contain control characters other than tab and line breaks");
        }
        return value;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r');
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}
