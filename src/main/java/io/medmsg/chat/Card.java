package io.medmsg.chat;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.node.ObjectNode;

/** A structured message (API.md §4), as validated by {@link CardRules}; stored as its JSON. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Card(String cardType, String title, String body, List<Field> fields, Link link, ObjectNode data) {

    record Field(String label, String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Link(String url, String text) {
    }
}
