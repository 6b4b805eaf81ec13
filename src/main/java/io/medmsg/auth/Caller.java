package io.medmsg.auth;

/**
 * Who is calling, resolved once per request from the verified token: {@code sub}, {@code role}
 * and the optional display name. Controllers take it as a parameter.
 */
public record Caller(String id, Role role, String name, java.time.Instant expiresAt) {

    public boolean is(Role r) {
        return role == r;
    }
}
