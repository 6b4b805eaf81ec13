package io.medmsg.records;

import java.time.Duration;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@code medmsg.retention.*} (API.md §6), checked at start-up. {@code purge-after}: unset (the
 * default) purges nothing; set, it must be at least 3 years (互联网诊疗监管细则: transcripts are
 * kept at least 3 years). {@code audit}: how long audit records are kept, 15 years by default,
 * never less than 3. {@code interval}: how often each instance runs the job.
 */
@Component
class RetentionSettings {

    /** 3 years of 365 days plus a leap day: "3 years" is never a day short. */
    static final Duration FLOOR = Duration.ofDays(3 * 365 + 1);
    static final Duration AUDIT_DEFAULT = Duration.ofDays(15 * 365 + 4);

    private final Duration purgeAfter;
    private final Duration audit;
    private final Duration interval;

    RetentionSettings(Environment environment) {
        this.purgeAfter = environment.getProperty("medmsg.retention.purge-after", Duration.class);
        this.audit = environment.getProperty("medmsg.retention.audit", Duration.class, AUDIT_DEFAULT);
        this.interval = environment.getProperty("medmsg.retention.interval", Duration.class, Duration.ofHours(1));
        if (purgeAfter != null && purgeAfter.compareTo(FLOOR) < 0) {
            throw new IllegalStateException("medmsg.retention.purge-after must be at least 3 years (" + FLOOR.toDays()
                    + "d): consultation transcripts are kept at least 3 years; it is " + purgeAfter.toDays() + "d");
        }
        if (audit.compareTo(FLOOR) < 0) {
            throw new IllegalStateException("medmsg.retention.audit must be at least 3 years (" + FLOOR.toDays()
                    + "d); it is " + audit.toDays() + "d");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalStateException("medmsg.retention.interval must be positive");
        }
    }

    /** Null: sessions are never purged. */
    Duration purgeAfter() {
        return purgeAfter;
    }

    Duration audit() {
        return audit;
    }

    Duration interval() {
        return interval;
    }
}
