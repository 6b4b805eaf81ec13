package io.medmsg.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * The OpenAPI document at {@code /v3/api-docs} (committed as docs/openapi.json): schemas named as
 * on the wire, and every operation with the error answers it can give ({@link ApiDocs}).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    /** The name of the security scheme operations that need a token refer to. */
    static final String BEARER = "bearer";

    @Bean
    OpenAPI medMsgOpenApi() {
        return new OpenAPI()
                .info(new Info().title("MedMsg HTTP API").version("1")
                        .description("Message center of an internet hospital. Every JSON answer is the envelope "
                                + "{code, msg, data, request_id}: code 0 and the data on success, a non-zero code and "
                                + "data null on failure, the HTTP status carrying the class (API.md section 1). "
                                + "Times are milliseconds since the Unix epoch. Besides these operations: "
                                + "GET /actuator/health (no token) and GET /actuator/prometheus (role admin)."))
                // relative: the same document for every deployment, and the one committed as docs/openapi.json
                .servers(List.of(new Server().url("/")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT").description("a token of the hospital's identity system (or, in "
                                        + "demo mode, of POST /demo/token)"))
                        .addSchemas(ApiDocs.ERROR_ENVELOPE, ApiDocs.errorEnvelope()));
    }

    /**
     * Schemas from the JSON mapper's point of view: the application writes snake_case
     * (spring.jackson.property-naming-strategy), and springdoc reads types with swagger-core's own
     * Jackson 2 mapper, which knows nothing of that setting.
     */
    @Bean
    ModelResolver snakeCaseModels() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    /**
     * Each error answer (a status with its codes) once, under components/responses, referred to by
     * every operation that gives it: the same 40001 or 50301 is not written out forty times. Runs
     * last, once the other customizers (the security rules' 401 and 403) have added theirs.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    OpenApiCustomizer sharedErrorAnswers() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            Map<String, ApiResponse> shared = new TreeMap<>();
            openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
                if (operation.getResponses() == null) {
                    return;
                }
                operation.getResponses().replaceAll((status, response) -> {
                    List<Integer> codes = ApiDocs.codesOf(response);
                    if (codes.isEmpty()) {
                        return response;
                    }
                    String name = "Error" + status + "_" + codes.stream().map(String::valueOf).collect(Collectors.joining("_"));
                    shared.putIfAbsent(name, response);
                    return new ApiResponse().$ref("#/components/responses/" + name);
                });
            }));
            shared.forEach(openApi.getComponents()::addResponses);
        };
    }

    /** The errors every operation can meet, those of a JSON body, and those its handler declares. */
    @Bean
    OperationCustomizer errorAnswers() {
        return (operation, handler) -> {
            List<ErrorCode> codes = new ArrayList<>(ApiDocs.ANY_REQUEST);
            for (var parameter : handler.getMethodParameters()) {
                if (parameter.hasParameterAnnotation(RequestBody.class)) {
                    codes.addAll(ApiDocs.JSON_BODY);
                }
            }
            ApiErrors declared = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), ApiErrors.class);
            if (declared != null) {
                codes.addAll(List.of(declared.value()));
            }
            ApiDocs.addErrors(operation, codes);
            return operation;
        };
    }

    /**
     * The fields of an object only ever answered (never sent) are all required: the JSON mapper
     * writes every field, null or not, so a client may rely on each being there (a generated
     * client's types say so). Objects also sent in requests (Doctor, Card) keep their optional fields.
     */
    @Bean
    OpenApiCustomizer answeredFieldsAreRequired() {
        return openApi -> {
            if (openApi.getPaths() == null || openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
                return;
            }
            Map<String, Schema> schemas = openApi.getComponents().getSchemas();
            Set<String> sent = new HashSet<>();
            Set<String> answered = new HashSet<>();
            openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
                if (operation.getRequestBody() != null) {
                    referenced(operation.getRequestBody().getContent(), schemas, sent);
                }
                if (operation.getResponses() != null) {
                    operation.getResponses().values().forEach(response -> referenced(response.getContent(), schemas, answered));
                }
            }));
            answered.removeAll(sent);
            for (String name : answered) {
                Schema<?> schema = schemas.get(name);
                if (schema != null && schema.getProperties() != null) {
                    schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
                }
            }
        };
    }

    private static void referenced(Content content, Map<String, Schema> schemas, Set<String> names) {
        if (content != null) {
            content.values().forEach(media -> referenced(media.getSchema(), schemas, names));
        }
    }

    /** The component schemas this schema refers to, directly or through others. */
    private static void referenced(Schema<?> schema, Map<String, Schema> schemas, Set<String> names) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null) {
            String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            if (names.add(name)) {
                referenced(schemas.get(name), schemas, names);
            }
            return;
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(p -> referenced(p, schemas, names));
        }
        referenced(schema.getItems(), schemas, names);
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            referenced(values, schemas, names);
        }
        for (List<Schema> parts : java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (parts != null) {
                parts.forEach(p -> referenced(p, schemas, names));
            }
        }
    }
}
