package io.medmsg.chat;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.lettuce.core.RedisException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.shared.SharedRedis;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * A token bucket per sender: {@code send-rate-per-second} sustained, {@code send-burst} at once.
 * With Redis configured ({@code spring.data.redis.*}) the buckets live there and every instance
 * shares them; while Redis cannot be reached, each instance falls back to its own buckets.
 */
@Component
class SendRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(SendRateLimiter.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final double ratePerNano;
    private final double burst;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final RedisTokenBucket shared;
    private final SendMetrics metrics;
    private volatile long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    SendRateLimiter(MedMsgProperties properties, SharedRedis redis, SendMetrics metrics) {
        this.metrics = metrics;
        this.ratePerNano = properties.limits().sendRatePerSecond() / 1e9;
        this.burst = properties.limits().sendBurst();
        this.shared = redis.configured() ? new RedisTokenBucket(redis.commands()) : null;
    }

    void acquire(Side side, String userId) {
        String key = side.wire() + ":" + userId;
        long waitNanos = shared != null ? takeShared(key) : takeLocal(key);
        if (waitNanos > 0) {
            metrics.rateLimited(side);
            throw new ApiException(ErrorCode.RATE_LIMITED, "too many messages: at most "
                    + Math.round(ratePerNano * 1e9) + " per second, " + Math.round(burst) + " at once",
                    Duration.ofNanos(waitNanos));
        }
    }

    private long takeShared(String key) {
        try {
            return shared.take(key, ratePerNano * 1e9, (int) burst);
        } catch (RedisException e) {
            long now = System.nanoTime();
            if (now - lastWarning > WARN_EVERY_NANOS) {
                lastWarning = now;
                log.warn("Redis is unavailable for the shared send rate limit; limiting per instance meanwhile: {}",
                        e.toString());
            }
            return takeLocal(key);
        }
    }

    private long takeLocal(String key) {
        long now = System.nanoTime();
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        return bucket.take(now, ratePerNano, burst);
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
