package io.medmsg.chat;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The send-rate token bucket kept in Redis, so that every instance draws from one bucket per
 * sender. One script call per send takes a token atomically; the time is Redis's own, so the
 * instances' clocks do not matter. A bucket left alone expires once it would be full again.
 */
final class RedisTokenBucket {

    // KEYS[1] the sender's bucket; ARGV[1] tokens per second, ARGV[2] burst.
    // Returns 0 when a token was taken, else the microseconds until one will be there.
    private static final String TAKE = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(bucket[1])
            local at = tonumber(bucket[2])
            if tokens == nil or at == nil then
              tokens = burst
              at = now
            end
            tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) * 1000000 / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.0f', now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
            return wait""";

    private static final String PREFIX = "medmsg:rate:";

    private final RedisCommands<String, String> redis;
    private volatile String sha;

    RedisTokenBucket(RedisCommands<String, String> redis) {
        this.redis = redis;
    }

    /** Takes one token from the sender's bucket; returns 0, or the nanoseconds until one would be there. */
    long take(String sender, double ratePerSecond, int burst) {
        String[] keys = {PREFIX + sender};
        String rate = Double.toString(ratePerSecond);
        String size = Integer.toString(burst);
        Long micros;
        try {
            if (sha == null) {
                sha = redis.scriptLoad(TAKE);
            }
            micros = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, rate, size);
        } catch (RedisNoScriptException flushed) {
            // SCRIPT FLUSH or a restarted Redis: load it again
            sha = redis.scriptLoad(TAKE);
            micros = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, rate, size);
        }
        return micros * 1_000;
    }
}
