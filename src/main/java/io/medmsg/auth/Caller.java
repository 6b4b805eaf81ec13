package io.medmsg.auth;

import io.medmsg.shared.Side;

/**
 * Who is calling, resolved once per request from the verified token: {@code sub}, {@code role}
 * and the optional display name. Controllers take it as a parameter.
 */
public record Caller(String id, Role role, String name, java.time.Instant expiresAt) {

    /** The caller's side of a session; only patients and doctors are parties of one. */
    public Side side() {
        return switch (role) {
            case PATIENT -> Side.PATIENT;
            case DOCTOR -> Side.DOCTOR;
            case ADMIN, AUDITOR -> throw new IllegalArgumentException("only patients and doctors are parties of a session");
        };
    }
}
