package io.medmsg.records;

/**
 * The filters of audit/records, all optional: {@code from} inclusive and {@code to} exclusive, in
 * epoch milliseconds; {@code after} is the audit_id the cursor points past.
 */
record AuditQuery(String actorId, String patientId, String sessionId, String action, Long from, Long to, long after) {

    AuditQuery after(long auditId) {
        return new AuditQuery(actorId, patientId, sessionId, action, from, to, auditId);
    }
}
