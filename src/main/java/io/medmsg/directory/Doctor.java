package io.medmsg.directory;

import io.swagger.v3.oas.annotations.media.Schema;

/** A doctor of the directory, as API.md section 2 names its fields. */
public record Doctor(
        @Schema(pattern = "^[A-Za-z0-9_-]{1,64}$") String doctorId,
        String name,
        @Schema(nullable = true) String title,
        @Schema(nullable = true) String dept,
        @Schema(nullable = true) String hospital,
        @Schema(nullable = true) String avatarUrl,
        @Schema(nullable = true) String intro,
        @Schema(description = "whether new consultations may be opened with this doctor (default true)") Boolean accepting) {

    public boolean isAccepting() {
        return accepting == null || accepting;
    }
}
