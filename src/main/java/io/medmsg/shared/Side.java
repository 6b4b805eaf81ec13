package io.medmsg.shared;

/**
 * The two parties of a session. Each side's state lives in columns named after it
 * ({@code patient_read_seq}, {@code doctor_read_seq} …); {@link #col} names them. The names come
 * from this enum only, never from a request, so building SQL with them is safe. Wake-up keys
 * ({@code realtime}) and the send-rate buckets name a user by side and id the same way.
 */
public enum Side {
    PATIENT, DOCTOR;

    public Side peer() {
        return this == PATIENT ? DOCTOR : PATIENT;
    }

    /** {@code patient} or {@code doctor}, as the role claim and the API name them. */
    public String wire() {
        return this == PATIENT ? "patient" : "doctor";
    }

    /** {@code col("read_seq")} is {@code patient_read_seq} or {@code doctor_read_seq}. */
    public String col(String suffix) {
        return wire() + "_" + suffix;
    }
}
