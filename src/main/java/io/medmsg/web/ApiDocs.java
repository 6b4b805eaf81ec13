package io.medmsg.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;

/**
 * The error answers of the OpenAPI document: each HTTP status an operation can answer, with the
 * envelope and the codes it carries there. Features name theirs with {@link ApiErrors}; the
 * security rules add 401/403 ({@code auth}); this class adds what any request can meet.
 */
public final class ApiDocs {

    /** The component name of the error envelope's schema. */
    public static final String ERROR_ENVELOPE = "ErrorEnvelope";

    /**
     * What any request can be answered: a malformed request (bad %-encoding reaches every route),
     * headers over the limit, an internal error, the database unreachable or the disk full.
     */
    static final List<ErrorCode> ANY_REQUEST = List.of(ErrorCode.BAD_PARAMETER, ErrorCode.HEADERS_TOO_LARGE,
            ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE, ErrorCode.STORAGE_FULL);

    /** What a request with a JSON body can be answered besides: unreadable, too large, another type. */
    static final List<ErrorCode> JSON_BODY = List.of(ErrorCode.BAD_PARAMETER, ErrorCode.TOO_LARGE,
            ErrorCode.UNSUPPORTED_TYPE, ErrorCode.REQUEST_TIMEOUT);

    private ApiDocs() {
    }

    /** {@code {code, msg, data: null, request_id}}, as every error answer carries it. */
    static Schema<?> errorEnvelope() {
        return errorEnvelope(null).description("The envelope of every error answer: code is non-zero, data is null, "
                + "msg says what was wrong in English, request_id matches the X-Request-Id header and the server's "
                + "logs. Each operation's error answers have this shape, with the codes of that status.");
    }

    /**
     * The envelope with these codes only (all when null). Written out in each answer rather than as
     * allOf of the component and a narrower code, so that a validator that allows no field beyond
     * those listed (as the tests' does) can hold answers to it.
     */
    private static Schema<?> errorEnvelope(List<Integer> codes) {
        IntegerSchema code = new IntegerSchema();
        code.format("int32").description("the error code (API.md section 1)");
        if (codes != null) {
            code.setEnum(new ArrayList<Number>(codes));
        }
        return new ObjectSchema()
                .addProperty("code", code)
                .addProperty("msg", new StringSchema().description("what was wrong: which field, which limit"))
                .addProperty("data", new ObjectSchema().nullable(true).description("always null in an error answer"))
                .addProperty("request_id", new StringSchema())
                .required(List.of("code", "msg", "data", "request_id"));
    }

    /** Adds these codes to the operation's answers, each under its status, merged with those already listed. */
    public static void addErrors(Operation operation, ErrorCode... codes) {
        addErrors(operation, Arrays.asList(codes));
    }

    public static void addErrors(Operation operation, List<ErrorCode> codes) {
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        Map<Integer, List<ErrorCode>> byStatus = new LinkedHashMap<>();
        for (ErrorCode code : codes) {
            byStatus.computeIfAbsent(code.status().value(), s -> new ArrayList<>()).add(code);
        }
        byStatus.forEach((status, added) -> {
            TreeSet<Integer> all = new TreeSet<>(codesOf(operation.getResponses().get(status.toString())));
            added.forEach(code -> all.add(code.code()));
            operation.getResponses().addApiResponse(status.toString(), response(status, all));
        });
    }

    /** The codes an error answer of {@link #addErrors} carries; none for any other answer. */
    static List<Integer> codesOf(ApiResponse response) {
        if (response == null || response.getExtensions() == null) {
            return List.of();
        }
        Object codes = response.getExtensions().get("x-codes");
        if (codes instanceof List<?> list) {
            return list.stream().map(o -> ((Number) o).intValue()).toList();
        }
        return List.of();
    }

    private static ApiResponse response(int status, TreeSet<Integer> codes) {
        String meanings = codes.stream().map(code -> code + ": " + meaning(code)).collect(Collectors.joining("; "));
        Schema<?> schema = errorEnvelope(new ArrayList<>(codes)).title(ERROR_ENVELOPE);
        ApiResponse response = new ApiResponse().description(meanings)
                .content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                        new MediaType().schema(schema)));
        response.addExtension("x-codes", new ArrayList<>(codes));
        if (status == 429 || status == 503 || status == 507) {
            response.addHeaderObject("Retry-After", new Header().description("seconds to wait before trying again")
                    .schema(new IntegerSchema()));
        }
        return response;
    }

    private static String meaning(int code) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.code() == code) {
                return c.meaning();
            }
        }
        return "";
    }
}
