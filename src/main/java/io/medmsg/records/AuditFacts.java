package io.medmsg.records;

/**
 * What an answer showed or changed, for its audit record: implemented by the answers of chat and
 * files. Not JSON properties (no getter names), so the answers' JSON stays as it is.
 */
public interface AuditFacts {

    default String auditSessionId() {
        return null;
    }

    default String auditConsultationId() {
        return null;
    }

    default Long auditSeqFrom() {
        return null;
    }

    default Long auditSeqTo() {
        return null;
    }

    default String auditFileId() {
        return null;
    }

    /** An answer of a poll that carries nothing: it is not audited (API.md §6). */
    default boolean auditIdle() {
        return false;
    }
}
