package io.medmsg.records;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What became of audit records on this instance: {@code medmsg_audit_records_moved_total}, every
 * record moved from the inbox into the searchable table (every record passes there, within about
 * a second of its commit, so its rate is the audit's write rate), and
 * {@code medmsg_audit_records_failed_total}, records of error answers that could not be written
 * (the database or the disk failed too; the answer went out without one).
 */
@Component
class AuditMetrics {

    private final Counter moved;
    private final Counter failed;

    AuditMetrics(MeterRegistry registry) {
        moved = Counter.builder("medmsg.audit.records.moved")
                .description("audit records moved from the inbox into audit_records by this instance").register(registry);
        failed = Counter.builder("medmsg.audit.records.failed")
                .description("audit records of error answers that could not be written").register(registry);
    }

    void moved(long records) {
        moved.increment(records);
    }

    void failed() {
        failed.increment();
    }
}
