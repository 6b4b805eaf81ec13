package io.medmsg.files;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code medmsg_uploads_total} by outcome: what became of the uploads this instance handled. */
@Component
class UploadMetrics {

    enum Outcome {
        /** verified by upload_access and made ready (counted once per file) */
        READY,
        /** the stored bytes were not the declared size */
        REJECTED_SIZE,
        /** the leading bytes were not of the declared type */
        REJECTED_TYPE,
        /** the bytes did not hash to the declared sha256 */
        REJECTED_SHA256,
        /** the upload PUT found no room in local storage (507) */
        STORAGE_FULL;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    UploadMetrics(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder("medmsg.uploads").tag("outcome", outcome.tag)
                    .description("uploads by outcome: made ready, rejected at verification, or refused for a full disk")
                    .register(registry));
        }
    }

    void count(Outcome outcome) {
        counters.get(outcome).increment();
    }
}
