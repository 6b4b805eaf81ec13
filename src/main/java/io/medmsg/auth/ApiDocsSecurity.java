package io.medmsg.auth;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.AntPathMatcher;

import io.medmsg.web.ApiDocs;
import io.medmsg.web.ErrorCode;

/**
 * The path rules of {@link SecurityConfig} in the OpenAPI document: the bearer token on every
 * operation that needs one, with its 401 and, where a role is required, its 403; none on the
 * public ones (demo tokens, the signed file URLs).
 */
@Component
@Order(0) // before io.medmsg.web's customizer that gathers the error answers
class ApiDocsSecurity implements OpenApiCustomizer {

    private static final AntPathMatcher PATHS = new AntPathMatcher();

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (SecurityConfig.PUBLIC_API.stream().anyMatch(pattern -> PATHS.match(pattern, path))) {
                return;
            }
            operation.setSecurity(List.of(new SecurityRequirement().addList(SecurityConfig.BEARER)));
            ApiDocs.addErrors(operation, ErrorCode.UNAUTHENTICATED);
            if (!SecurityConfig.ANY_ROLE.equals(method.name() + " " + path)) {
                ApiDocs.addErrors(operation, ErrorCode.FORBIDDEN_ROLE);
            }
        }));
    }
}
