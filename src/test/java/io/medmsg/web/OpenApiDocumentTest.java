package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document is the contract app teams generate their clients from: it lists exactly the
 * routes the application serves, names fields as the wire does, says which operations need a
 * token, and lists every answer (that each real answer of the API tests conforms to it is checked
 * by {@code support.Api} on every call). Its copy docs/openapi.json is regenerated here: when it
 * is stale this test writes the new one and fails, so that the change is committed with the code.
 * Tagged {@code sqlite-only}: the document does not depend on the database.
 */
@Tag("sqlite-only")
class OpenApiDocumentTest extends ApiTest {

    static final Path COMMITTED = Path.of("docs", "openapi.json");
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Autowired
    ApplicationContext context;

    private JsonNode document() {
        Reply docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).as(docs.raw()).isEqualTo(200);
        return docs.body();
    }

    /** "METHOD /path" of every operation in the document. */
    private static Set<String> documented(JsonNode document) {
        Set<String> routes = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (HTTP_METHODS.contains(op.getKey())) {
                routes.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    /**
     * "METHOD /path" of every route Spring MVC serves, less the container's error path and the
     * document's own endpoints.
     */
    private Set<String> served() {
        Set<String> routes = new TreeSet<>();
        RequestMappingHandlerMapping mvc = context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        mvc.getHandlerMethods().forEach((RequestMappingInfo info, HandlerMethod handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("org.springdoc")) {
                return;
            }
            for (String path : info.getPatternValues()) {
                if (path.equals("/error")) {
                    continue;
                }
                info.getMethodsCondition().getMethods().forEach(method -> routes.add(method.name() + " " + path));
                if (info.getMethodsCondition().getMethods().isEmpty()) {
                    routes.add("ANY " + path);
                }
            }
        });
        return routes;
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheApplicationServes() {
        Set<String> served = served();
        assertThat(served).as("routes served").hasSizeGreaterThan(30).contains("POST /msg_service/msg/patient/send_text_msg");
        assertThat(documented(document())).isEqualTo(served);
    }

    @Test
    void schemasNameTheirFieldsAsTheWireDoes() {
        JsonNode schemas = document().get("components").get("schemas");
        List<String> camel = new ArrayList<>();
        schemas.properties().forEach(schema -> {
            JsonNode properties = schema.getValue().get("properties");
            if (properties != null) {
                properties.propertyNames().forEach(name -> {
                    if (!name.matches("[a-z0-9_]+")) {
                        camel.add(schema.getKey() + "." + name);
                    }
                });
            }
        });
        assertThat(camel).isEmpty();
        assertThat(schemas.get("Message").get("properties").has("client_msg_id")).isTrue();
        assertThat(schemas.get("ErrorEnvelope").get("properties").has("request_id")).isTrue();
        assertThat(schemas.get("Session").get("properties").has("peer_read_seq")).isTrue();
    }

    /** An answer of an operation, the shared one it refers to when it refers to one. */
    private static JsonNode answer(JsonNode document, JsonNode responses, String status) {
        JsonNode response = responses.path(status);
        String ref = response.path("$ref").asString("");
        return ref.isEmpty() ? response
                : document.get("components").get("responses").get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    @Test
    void everyOperationHasASummaryAndItsErrorAnswers() {
        JsonNode document = document();
        JsonNode paths = document.get("paths");
        paths.properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!HTTP_METHODS.contains(op.getKey())) {
                return;
            }
            JsonNode operation = op.getValue();
            String where = op.getKey() + " " + path.getKey();
            assertThat(operation.path("summary").asString("")).as(where + " summary").isNotBlank();
            JsonNode responses = operation.get("responses");
            assertThat(responses.has("200")).as(where + " 200").isTrue();
            for (String status : List.of("400", "500", "503")) {
                JsonNode error = answer(document, responses, status).path("content").path("application/json").path("schema");
                assertThat(error.path("properties").propertyNames()).as(where + " " + status)
                        .containsExactlyInAnyOrder("code", "msg", "data", "request_id");
            }
        }));
        JsonNode send = paths.get("/msg_service/msg/patient/send_text_msg").get("post").get("responses");
        assertThat(answer(document, send, "409").get("x-codes").toString()).contains("40901", "40902", "40905", "40906");
        assertThat(answer(document, send, "409").get("content").toString()).contains("[40901,40902,40905,40906,40907]");
        assertThat(answer(document, send, "429").get("headers").has("Retry-After")).isTrue();
        assertThat(send.get("200").get("content").get("application/json").toString()).contains("EnvelopeSent");
    }

    @Test
    void aTokenIsRequiredExactlyWhereTheSecurityChainRequiresOne() {
        JsonNode document = document();
        assertThat(document.has("security")).as("no global requirement").isFalse();
        JsonNode paths = document.get("paths");
        paths.properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!HTTP_METHODS.contains(op.getKey())) {
                return;
            }
            boolean open = path.getKey().equals("/demo/token") || path.getKey().startsWith("/files/");
            String where = op.getKey() + " " + path.getKey();
            assertThat(op.getValue().has("security")).as(where).isEqualTo(!open);
            assertThat(op.getValue().get("responses").has("401")).as(where + " 401").isEqualTo(!open);
        }));
        // and the chain agrees: the public operations answer without a token, the others refuse
        assertThat(api.post("/demo/token", null, "{\"role\":\"patient\",\"user_id\":\"p-docs\"}").status()).isEqualTo(200);
        assertThat(api.get("/msg_service/msg/patient/session_list", null).status()).isEqualTo(401);
    }

    @Test
    void theEventStreamIsDocumentedAsServerSentEvents() {
        JsonNode events = document().get("paths").get("/msg_service/msg/patient/events").get("get");
        assertThat(events.get("responses").get("200").get("content").propertyNames()).containsExactly("text/event-stream");
        assertThat(document().toString()).doesNotContain("SseEmitter");
    }

    @Test
    void theCommittedDocumentIsCurrent() throws IOException {
        String generated = PRETTY.writeValueAsString(document()) + "\n";
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        if (!committed.equals(generated)) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        assertThat(committed).as("%s was stale and has been regenerated: commit it", COMMITTED).isEqualTo(generated);
    }
}
