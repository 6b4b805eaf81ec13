package io.medmsg.auth;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A verified token's authentication: its subject, the authority {@code ROLE_<role>} of its
 * {@code role} claim, which {@link TokenVerifier}'s validator has already required to name one
 * {@link Role}, and the factor {@code FACTOR_BEARER} issued now. What Spring's
 * {@code JwtAuthenticationConverter} with a {@code role} claim made of it, without reading the
 * claim through its conversion service, splitting it on spaces and hashing the authorities into a
 * set for every request (1.4 % of an idle poll's CPU, docs/benchmarks.md).
 */
final class RoleAuthority implements Converter<Jwt, AbstractAuthenticationToken> {

    private static final Map<Role, GrantedAuthority> AUTHORITIES = new EnumMap<>(Role.class);

    static {
        for (Role role : Role.values()) {
            AUTHORITIES.put(role, new SimpleGrantedAuthority("ROLE_" + role.wire()));
        }
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Role role = Role.fromClaim(jwt.getClaimAsString("role"));
        GrantedAuthority bearer = FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.BEARER_AUTHORITY);
        List<GrantedAuthority> authorities = role == null ? List.of(bearer) : List.of(AUTHORITIES.get(role), bearer);
        return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    }
}
