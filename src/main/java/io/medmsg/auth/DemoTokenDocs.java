package io.medmsg.auth;

import io.swagger.v3.oas.models.OpenAPI;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

import io.medmsg.config.MedMsgProperties;

/**
 * Out of demo mode, POST /demo/token answers as an unknown endpoint ({@link DemoTokenController}),
 * so the OpenAPI document leaves it out, as it did when the controller was no bean at all.
 */
@Component
class DemoTokenDocs implements OpenApiCustomizer {

    private final boolean demo;

    DemoTokenDocs(MedMsgProperties properties) {
        this.demo = properties.demo().enabled();
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (!demo && openApi.getPaths() != null) {
            openApi.getPaths().remove("/demo/token");
        }
    }
}
