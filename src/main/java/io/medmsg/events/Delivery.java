package io.medmsg.events;

import java.sql.ResultSet;
import java.sql.SQLException;

import io.swagger.v3.oas.annotations.media.Schema;

/** A row of {@code webhook_deliveries}: one event to one endpoint. */
record Delivery(long deliveryId, String eventId, String type, String endpoint, String sessionId, String status,
        int attempts, Integer lastStatus, String lastError, long nextAttemptAt, long createdAt) {

    static final String PENDING = "pending";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";

    static final String COLUMNS = """
            delivery_id, event_id, type, endpoint, session_id, status, attempts, last_status, last_error,
            next_attempt_at, created_at""";

    static Delivery map(ResultSet rs, int row) throws SQLException {
        int lastStatus = rs.getInt("last_status");
        Integer last = rs.wasNull() ? null : lastStatus;
        return new Delivery(rs.getLong("delivery_id"), rs.getString("event_id"), rs.getString("type"),
                rs.getString("endpoint"), rs.getString("session_id"), rs.getString("status"), rs.getInt("attempts"),
                last, rs.getString("last_error"), rs.getLong("next_attempt_at"), rs.getLong("created_at"));
    }

    /** As the admin API shows it (API.md §5). */
    record View(String deliveryId, String eventId, String type, String endpoint,
            @Schema(allowableValues = {"pending", "failed", "succeeded"}) String status,
            int attempts,
            @Schema(nullable = true) Integer lastStatus,
            @Schema(nullable = true) String lastError,
            @Schema(nullable = true) Long nextAttemptAt,
            long createdAt) {
    }

    View view() {
        return new View(Long.toString(deliveryId), eventId, type, endpoint, status, attempts, lastStatus, lastError,
                PENDING.equals(status) ? nextAttemptAt : null, createdAt);
    }
}
