package io.medmsg.chat;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import tools.jackson.databind.node.ObjectNode;

/**
 * A structured message (API.md §4), as validated by {@link CardRules}; stored as its JSON. Absent
 * fields are left out. The limits in the annotations are CardRules' own, for the OpenAPI document.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Card(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                pattern = "^(intake|summary|prescription|notice|x-[a-z0-9-]{1,30})$",
                description = "intake, summary, prescription, notice, or x- and 1-30 of [a-z0-9-] for the hospital's own")
        String cardType,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, maxLength = CardRules.TITLE_MAX) String title,
        @Schema(maxLength = CardRules.BODY_MAX) String body,
        @ArraySchema(maxItems = CardRules.FIELDS_MAX) List<Field> fields,
        Link link,
        @Schema(implementation = Object.class, description = "any JSON object up to 8 KiB, stored and returned as given")
        ObjectNode data) {

    record Field(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, maxLength = CardRules.LABEL_MAX) String label,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = CardRules.VALUE_MAX) String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Link(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = CardRules.URL_MAX,
            description = "an absolute https: URL") String url, @Schema(maxLength = CardRules.LINK_TEXT_MAX) String text) {
    }
}
