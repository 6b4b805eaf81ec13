package io.medmsg.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every answer {@link Api} receives is checked against the OpenAPI document of the server that
 * gave it (its {@code /v3/api-docs}, which docs/openapi.json is a copy of): the status must be one
 * the operation lists, with the content type and the schema listed for it, error codes included.
 * A request to a path or method the document does not have is not checked here: OpenApiDocumentTest
 * holds the document's routes to the application's.
 */
final class OpenApiConformance {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** One validator per server; none while its document cannot be read (a server being cut off, say). */
    private static final Map<String, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();

    private OpenApiConformance() {
    }

    static void check(String base, HttpRequest request, Api.Reply reply) {
        Request.Method method = method(request.method());
        if (method == null) {
            return;
        }
        Optional<OpenApiInteractionValidator> validator = validator(base);
        if (validator.isEmpty()) {
            return;
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(reply.status()).withBody(reply.raw());
        reply.headers().forEach((name, values) -> response.withHeader(name, values));
        ValidationReport report;
        // the validator is not documented to be safe for concurrent use; tests send from many threads
        synchronized (validator.get()) {
            report = validator.get().validateResponse(request.uri().getPath(), method, response.build());
        }
        if (report.hasErrors()) {
            throw new AssertionError("The answer to " + request.method() + " " + request.uri().getPath()
                    + " does not conform to the OpenAPI document (/v3/api-docs, docs/openapi.json):\n"
                    + report.getMessages().stream().map(m -> "  " + m).toList()
                    + "\nanswer: " + reply);
        }
    }

    private static Optional<OpenApiInteractionValidator> validator(String base) {
        OpenApiInteractionValidator known = VALIDATORS.get(base);
        if (known != null) {
            return Optional.of(known);
        }
        String document;
        try {
            HttpResponse<String> docs = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v3/api-docs"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (docs.statusCode() != 200) {
                return Optional.empty();
            }
            document = docs.body();
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        OpenApiInteractionValidator built = OpenApiInteractionValidator.createForInlineApiSpecification(
                        nullableReferencesAsTheValidatorReadsThem(document))
                .withLevelResolver(LevelResolver.create()
                        // routes are OpenApiDocumentTest's matter; a test may call one that does not exist on purpose
                        .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.operation.notAllowed", ValidationReport.Level.IGNORE)
                        .withLevel("validation.response.path.missing", ValidationReport.Level.IGNORE)
                        .withLevel("validation.response.operation.notAllowed", ValidationReport.Level.IGNORE)
                        .build())
                .build();
        return Optional.of(VALIDATORS.computeIfAbsent(base, b -> built));
    }

    private static Request.Method method(String method) {
        return switch (method) {
            case "GET" -> Request.Method.GET;
            case "POST" -> Request.Method.POST;
            case "PUT" -> Request.Method.PUT;
            case "DELETE" -> Request.Method.DELETE;
            case "PATCH" -> Request.Method.PATCH;
            // HEAD answers have no body; OPTIONS (CORS preflights) are no operation of the API
            default -> null;
        };
    }

    /**
     * The document makes a reference nullable the OpenAPI 3.0 way, {@code {nullable: true, allOf:
     * [{$ref: X}]}}, which this validator does not understand (it rejects null there). The same
     * meaning in a form it does: a reference to a copy of X with {@code nullable: true}.
     */
    static String nullableReferencesAsTheValidatorReadsThem(String document) {
        ObjectNode root = (ObjectNode) Api.JSON.readTree(document);
        ObjectNode schemas = (ObjectNode) root.get("components").get("schemas");
        java.util.Set<String> targets = new java.util.TreeSet<>();
        rewrite(root, targets);
        // copied once every reference in the document (theirs included) has been rewritten
        for (String target : targets) {
            ObjectNode copy = ((ObjectNode) schemas.get(target)).deepCopy();
            copy.put("nullable", true);
            schemas.set(target + "OrNull", copy);
        }
        return Api.JSON.writeValueAsString(root);
    }

    private static void rewrite(JsonNode node, java.util.Set<String> targets) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode child = object.get(name);
                if (child.path("nullable").asBoolean(false) && child.path("allOf").size() == 1
                        && child.path("allOf").get(0).has("$ref") && !child.has("type")) {
                    String ref = child.get("allOf").get(0).get("$ref").asString();
                    String target = ref.substring(ref.lastIndexOf('/') + 1);
                    targets.add(target);
                    ObjectNode replacement = Api.JSON.createObjectNode();
                    replacement.put("$ref", "#/components/schemas/" + target + "OrNull");
                    object.set(name, replacement);
                } else {
                    rewrite(child, targets);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(element -> rewrite(element, targets));
        }
    }
}
