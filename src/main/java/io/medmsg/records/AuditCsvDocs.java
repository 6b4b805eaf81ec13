package io.medmsg.records;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;

import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

/**
 * audit/records answers its page in the envelope, or with {@code Accept: text/csv} every matching
 * record as CSV: the OpenAPI document lists both for its 200 (the handler writes the CSV itself).
 */
@Component
class AuditCsvDocs implements OperationCustomizer {

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        if (handler.getBeanType() == AuditController.class && handler.getMethod().getName().equals("records")) {
            ApiResponse ok = operation.getResponses().get("200");
            ok.description("a page of records; with Accept: text/csv, every matching record as CSV (RFC 4180, "
                    + "a header line of the field names)");
            ok.getContent().addMediaType("text/csv", new MediaType().schema(new StringSchema()));
        }
        return operation;
    }
}
