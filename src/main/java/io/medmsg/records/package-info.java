/**
 * Records (API.md §6): the audit trail of every access to a session's content and of every admin
 * and auditor call, the auditors' API over it, and the consultation export (FHIR R4 or MedMsg's
 * own JSON). Chat and files write audit records through {@code Audit} and say what an answer
 * showed through {@code AuditFacts}; the export reads a consultation through the
 * {@code ConsultationSource} port, which chat implements (so nothing here depends on chat).
 */
@ApplicationModule(displayName = "records", allowedDependencies = {"config", "db", "web", "shared"})
package io.medmsg.records;

import org.springframework.modulith.ApplicationModule;
