package io.medmsg.chat;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.medmsg.config.MedMsgProperties;

/**
 * Applies the deadlines nobody's request applied: every {@code medmsg.consultations.sweep-interval}
 * it reads the consultations whose due time has passed (an index of the database, so nothing is
 * lost when a process dies) and ends each under its session's lock. Every instance sweeps; the
 * lock and the conditional UPDATE make each deadline apply once ({@link Transitions}).
 */
@Component
class DeadlineSweeper implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineSweeper.class);
    private static final int PAGE = 100;

    private final ConsultationRepository consultations;
    private final ConsultationService rules;
    private final Clock clock;
    private final long intervalMillis;
    private ScheduledExecutorService timer;

    DeadlineSweeper(ConsultationRepository consultations, ConsultationService rules, Clock clock,
            MedMsgProperties properties) {
        this.consultations = consultations;
        this.rules = rules;
        this.clock = clock;
        this.intervalMillis = properties.consultations().sweepInterval().toMillis();
    }

    /** Ends every consultation due now; the number ended. */
    int sweep() {
        int ended = 0;
        List<ConsultationRepository.Due> due;
        do {
            due = consultations.due(clock.millis(), PAGE);
            for (ConsultationRepository.Due d : due) {
                ended += rules.applyDeadline(d) ? 1 : 0;
            }
        } while (due.size() == PAGE);
        return ended;
    }

    private void tick() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // the next tick tries again: the due times stay in the database
            LOG.warn("consultation deadline sweep failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("deadline-sweeper").daemon().factory());
        timer.scheduleWithFixedDelay(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
