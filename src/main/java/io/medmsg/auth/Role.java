package io.medmsg.auth;

import java.util.Locale;

/** The roles a token may carry in its {@code role} claim. */
public enum Role {
    PATIENT, DOCTOR, ADMIN, AUDITOR;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role fromClaim(String claim) {
        for (Role role : values()) {
            if (role.wire().equals(claim)) {
                return role;
            }
        }
        return null;
    }
}
