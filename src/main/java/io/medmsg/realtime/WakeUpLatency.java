package io.medmsg.realtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code medmsg_wakeup_latency_seconds}: how long after its commit on another instance a change
 * moved this instance's marks, which is when the long-polls and event streams held here on it
 * wake. Measured from when the sender queued the change for broadcast (right after its commit;
 * for a batch, its oldest change) to when its payload was applied here: the relay's batching, the
 * channel (PostgreSQL NOTIFY or Redis) and any difference between the two hosts' clocks. A change
 * committed on this instance wakes its waiters on the committing thread, with no channel between,
 * and is not measured: on a single instance the timer stays empty.
 */
@Component
class WakeUpLatency {

    private final Timer remote;

    WakeUpLatency(MeterRegistry registry) {
        remote = Timer.builder("medmsg.wakeup.latency")
                .description("from a change's commit on another instance to the wake-up of the requests held on it here")
                .tag("source", "remote")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void remote(long millis) {
        // clocks of two hosts: a change cannot arrive before it was made, whatever they say
        remote.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
