package io.medmsg.chat;

import io.swagger.v3.oas.annotations.media.Schema;

/** The doctor of a session: a Doctor without intro (API.md, Session). */
record DoctorSummary(String doctorId, String name,
        @Schema(nullable = true) String title,
        @Schema(nullable = true) String dept,
        @Schema(nullable = true) String hospital,
        @Schema(nullable = true) String avatarUrl,
        boolean accepting) {
}
