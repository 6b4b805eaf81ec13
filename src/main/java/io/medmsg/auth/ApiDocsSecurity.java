package io.medmsg.auth;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import io.medmsg.web.ApiDocs;
import io.medmsg.web.ErrorCode;

/**
 * The path rules of {@link AccessRules} in the OpenAPI document: the bearer token on every
 * operation that needs one, with its 401 and, where a role is required, its 403; none on the
 * public ones (demo tokens, the signed file URLs).
 */
@Component
@Order(0) // before io.medmsg.web's customizer that gathers the error answers
class ApiDocsSecurity implements OpenApiCustomizer {

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            AccessRules.Access access = AccessRules.of(HttpMethod.valueOf(method.name()), path).access();
            if (access == AccessRules.Access.PUBLIC) {
                return;
            }
            operation.setSecurity(List.of(new SecurityRequirement().addList(SecurityConfig.BEARER)));
            ApiDocs.addErrors(operation, ErrorCode.UNAUTHENTICATED);
            if (access == AccessRules.Access.ROLE) {
                ApiDocs.addErrors(operation, ErrorCode.FORBIDDEN_ROLE);
            }
        }));
    }
}
