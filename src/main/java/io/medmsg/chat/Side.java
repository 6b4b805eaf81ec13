package io.medmsg.chat;

import io.medmsg.auth.Caller;
import io.medmsg.auth.Role;

/**
 * The two parties of a session. Each side's state lives in columns named after it
 * ({@code patient_read_seq}, {@code doctor_read_seq} …); {@link #col} names them. The names come
 * from this enum only, never from a request, so building SQL with them is safe.
 */
enum Side {
    PATIENT, DOCTOR;

    static Side of(Caller caller) {
        return switch (caller.role()) {
            case PATIENT -> PATIENT;
            case DOCTOR -> DOCTOR;
            case ADMIN -> throw new IllegalArgumentException("an admin is no party of a session");
        };
    }

    Side peer() {
        return this == PATIENT ? DOCTOR : PATIENT;
    }

    String wire() {
        return this == PATIENT ? Role.PATIENT.wire() : Role.DOCTOR.wire();
    }

    /** {@code col("read_seq")} is {@code patient_read_seq} or {@code doctor_read_seq}. */
    String col(String suffix) {
        return wire() + "_" + suffix;
    }
}
