package io.medmsg.records;

import java.sql.ResultSet;
import java.sql.SQLException;

import io.swagger.v3.oas.annotations.media.Schema;

/** An audit record as the auditors' API shows it (API.md §6); {@code at} in epoch milliseconds. */
record AuditRecord(String auditId, long at,
        @Schema(nullable = true) String actorRole,
        @Schema(nullable = true) String actorId,
        String action,
        @Schema(nullable = true) String sessionId,
        @Schema(nullable = true) String consultationId,
        @Schema(nullable = true) Long seqFrom,
        @Schema(nullable = true) Long seqTo,
        @Schema(nullable = true) String fileId,
        @Schema(nullable = true) String requestId,
        @Schema(nullable = true) String ip,
        @Schema(description = "the HTTP status of the answer") int outcome) {

    static final String COLUMNS = """
            audit_id, at_ms, actor_role, actor_id, action, session_id, consultation_id, seq_from, seq_to, file_id,
            request_id, ip, outcome""";

    static final String[] CSV_HEADER = {"audit_id", "at", "actor_role", "actor_id", "action", "session_id",
        "consultation_id", "seq_from", "seq_to", "file_id", "request_id", "ip", "outcome"};

    static AuditRecord map(ResultSet rs, int row) throws SQLException {
        return new AuditRecord(Long.toString(rs.getLong("audit_id")), rs.getLong("at_ms"), rs.getString("actor_role"),
                rs.getString("actor_id"), rs.getString("action"), rs.getString("session_id"),
                rs.getString("consultation_id"), nullableLong(rs, "seq_from"), nullableLong(rs, "seq_to"),
                rs.getString("file_id"), rs.getString("request_id"), rs.getString("ip"), rs.getInt("outcome"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** The fields in {@link #CSV_HEADER}'s order. */
    Object[] csvFields() {
        return new Object[] {auditId, at, actorRole, actorId, action, sessionId, consultationId, seqFrom, seqTo, fileId,
            requestId, ip, outcome};
    }

    long id() {
        return Long.parseLong(auditId);
    }
}
