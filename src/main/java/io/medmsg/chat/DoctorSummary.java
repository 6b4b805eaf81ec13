package io.medmsg.chat;

/** The doctor of a session: a Doctor without intro (API.md, Session). */
record DoctorSummary(String doctorId, String name, String title, String dept, String hospital, String avatarUrl,
        boolean accepting) {
}
