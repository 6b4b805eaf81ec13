package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/** A token's authentication is what Spring's converter, reading the role claim, made of it. */
class RoleAuthorityTest {

    @ParameterizedTest
    @ValueSource(strings = {"patient", "doctor", "admin", "auditor"})
    void aTokenIsAuthenticatedAsSpringsConverterWould(String role) {
        Jwt jwt = token(role);
        AbstractAuthenticationToken ours = new RoleAuthority().convert(jwt);
        AbstractAuthenticationToken spring = springs().convert(jwt);
        assertThat(ours.getName()).isEqualTo(spring.getName()).isEqualTo("p1");
        // the bearer factor's issuedAt is each conversion's own instant: compare the authorities' names
        assertThat(ours.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrderElementsOf(spring.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList())
                .containsExactlyInAnyOrder("ROLE_" + role, FactorGrantedAuthority.BEARER_AUTHORITY);
        assertThat(ours.getPrincipal()).isSameAs(jwt);
        assertThat(ours.isAuthenticated()).isTrue();
    }

    /** The validator refuses such a token before it is converted; were it not, it would grant no role. */
    @ParameterizedTest
    @ValueSource(strings = {"nurse", "", "patient doctor", "PATIENT"})
    void aRoleThatIsNoRoleGrantsNoRole(String role) {
        assertThat(new RoleAuthority().convert(token(role)).getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly(FactorGrantedAuthority.BEARER_AUTHORITY);
    }

    private static Jwt token(String role) {
        return Jwt.withTokenValue("t").header("alg", "HS256").subject("p1").claim("role", role)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).build();
    }

    private static JwtAuthenticationConverter springs() {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("role");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        return converter;
    }
}
