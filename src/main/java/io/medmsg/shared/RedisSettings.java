package io.medmsg.shared;

import java.time.Duration;

import io.lettuce.core.RedisURI;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Redis to share with the other instances, named the way Spring Boot names it:
 * {@code spring.data.redis.url} ({@code redis://[user:password@]host:port[/database]}, or
 * {@code rediss://} for TLS), or {@code spring.data.redis.host} with {@code port}, {@code username},
 * {@code password}, {@code database} and {@code ssl.enabled}. Neither set means no Redis.
 */
@ConfigurationProperties("spring.data.redis")
record RedisSettings(String url, String host, @DefaultValue("6379") int port, String username, String password,
        @DefaultValue("0") int database, @DefaultValue("2s") Duration timeout, @DefaultValue Ssl ssl) {

    record Ssl(@DefaultValue("false") boolean enabled) {
    }

    RedisSettings {
        url = blankToNull(url);
        host = blankToNull(host);
        username = blankToNull(username);
        password = blankToNull(password);
        if (url != null && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new IllegalStateException("spring.data.redis.url (SPRING_DATA_REDIS_URL) must be a redis:// or rediss:// URL");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalStateException("spring.data.redis.timeout must be positive");
        }
    }

    boolean configured() {
        return url != null || host != null;
    }

    RedisURI uri() {
        RedisURI uri;
        if (url != null) {
            uri = RedisURI.create(url);
        } else {
            uri = RedisURI.create(host, port);
            uri.setDatabase(database);
            uri.setSsl(ssl.enabled());
            if (password != null) {
                if (username != null) {
                    uri.setUsername(username);
                }
                uri.setPassword(password);
            }
        }
        uri.setTimeout(timeout);
        return uri;
    }

    /** Where Redis is, for the log: never the password. */
    String where() {
        RedisURI uri = uri();
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
