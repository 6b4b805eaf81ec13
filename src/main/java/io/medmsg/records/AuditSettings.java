package io.medmsg.records;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * {@code medmsg.audit.enabled} (default true). Off exists only to measure what auditing costs
 * (docs/benchmarks.md); the {@code prod} profile refuses to start with it off.
 */
@Component
class AuditSettings {

    private final boolean enabled;

    AuditSettings(Environment environment) {
        this.enabled = environment.getProperty("medmsg.audit.enabled", Boolean.class, true);
        if (!enabled && environment.acceptsProfiles(Profiles.of("prod"))) {
            throw new IllegalStateException("The prod profile refuses to start with medmsg.audit.enabled=false: "
                    + "consultation records must be auditable (API.md §6)");
        }
    }

    boolean enabled() {
        return enabled;
    }
}
