package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Objects;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The Authorization header is read exactly as Spring Security's own resolver reads it. */
class HeaderOnlyTokenResolverTest {

    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();
    private final HeaderOnlyTokenResolver ours = new HeaderOnlyTokenResolver();

    @ParameterizedTest
    @ValueSource(strings = {"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwMSJ9.c2ln", "bearer abc", "BEARER abc",
            "bEaReR a-b.c_d~e+f/g", "Bearer abc=", "Bearer abc==", "Bearer 0", "Bearer ==", "Bearer =abc",
            "Bearer ", "Bearer", "Bearer  abc", "Bearer abc ", "Bearer\tabc", "Bearer a=b", "Bearer a,b",
            "Bearerabc", "Bearer abc\n", "Bearer äbc", "Bearer ab\u212Ac", "Basic dXNlcjpwYXNz", "", "abc",
            "Token abc", " Bearer abc", "Bearer abc.def.ghi=="})
    void answersAsSpringSecuritysResolver(String header) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/msg_service/msg/patient/session_list");
        request.addHeader("Authorization", header);
        String expected;
        try {
            expected = Objects.requireNonNullElse(spring.resolve(request), "(none)");
        } catch (OAuth2AuthenticationException e) {
            expected = "refused: " + e.getError().getErrorCode() + " " + e.getError().getDescription();
        }
        String actual;
        try {
            actual = Objects.requireNonNullElse(ours.resolve(request), "(none)");
        } catch (OAuth2AuthenticationException e) {
            actual = "refused: " + e.getError().getErrorCode() + " " + e.getError().getDescription();
        }
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "bearer a.b.c"})
    void aWellFormedHeaderGivesItsToken(String header) {
        assertThat(HeaderOnlyTokenResolver.fromHeader(header)).isEqualTo(header.substring(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer a b", "Bearer"})
    void aMalformedBearerHeaderIsAnInvalidToken(String header) {
        assertThatThrownBy(() -> HeaderOnlyTokenResolver.fromHeader(header))
                .isInstanceOf(OAuth2AuthenticationException.class)
                .extracting(e -> ((OAuth2AuthenticationException) e).getError().getErrorCode())
                .isEqualTo("invalid_token");
    }
}
