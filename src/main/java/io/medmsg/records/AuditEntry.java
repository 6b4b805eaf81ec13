package io.medmsg.records;

/**
 * One audit record before it is written (API.md §6): who, what, which part of which session,
 * which request, from where, and the HTTP status. Never text or tokens: there is no field for them.
 */
public record AuditEntry(String actorRole, String actorId, String action, String sessionId, String consultationId,
        Long seqFrom, Long seqTo, String fileId, String requestId, String ip, int outcome) {
}
