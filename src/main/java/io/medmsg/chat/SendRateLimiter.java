package io.medmsg.chat;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/** A token bucket per sender: {@code send-rate-per-second} sustained, {@code send-burst} at once. */
@Component
class SendRateLimiter {

    private final double ratePerNano;
    private final double burst;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    SendRateLimiter(MedMsgProperties properties) {
        this.ratePerNano = properties.limits().sendRatePerSecond() / 1e9;
        this.burst = properties.limits().sendBurst();
    }

    void acquire(Side side, String userId) {
        long now = System.nanoTime();
        Bucket bucket = buckets.computeIfAbsent(side.wire() + ":" + userId, k -> new Bucket(burst, now));
        long waitNanos = bucket.take(now, ratePerNano, burst);
        if (waitNanos > 0) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "too many messages: at most "
                    + Math.round(ratePerNano * 1e9) + " per second, " + Math.round(burst) + " at once",
                    Duration.ofNanos(waitNanos));
        }
    }

    /** Forgets senders whose bucket has been full for a minute. */
    @Scheduled(fixedDelay = 60_000)
    void forgetIdle() {
        long now = System.nanoTime();
        buckets.values().removeIf(b -> b.idleSince(now, ratePerNano, burst) > 60_000_000_000L);
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        /** Takes one token; returns 0, or how long until one would be there. */
        synchronized long take(long now, double ratePerNano, double burst) {
            tokens = Math.min(burst, tokens + (now - updated) * ratePerNano);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / ratePerNano);
        }

        synchronized long idleSince(long now, double ratePerNano, double burst) {
            double full = tokens + (now - updated) * ratePerNano;
            return full >= burst ? now - updated : 0;
        }
    }
}
