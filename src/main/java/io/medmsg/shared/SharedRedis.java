package io.medmsg.shared;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The Redis shared by the instances, when {@code spring.data.redis.*} configures one: for the
 * change notifications ({@code medmsg.notify.type=redis}) and the send-rate buckets. Connected at
 * start-up, so a wrong address stops the service with a message instead of failing later.
 * Commands are refused at once while the connection is down (Lettuce reconnects by itself): a
 * caller falls back instead of queueing behind a dead server.
 */
@Component
public class SharedRedis implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SharedRedis.class);

    private final RedisSettings settings;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    SharedRedis(RedisSettings settings) {
        this.settings = settings;
        if (!settings.configured()) {
            client = null;
            connection = null;
            return;
        }
        client = RedisClient.create(settings.uri());
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        try {
            connection = client.connect();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw new IllegalStateException("Cannot connect to Redis at " + settings.where()
                    + " (spring.data.redis.url or spring.data.redis.host): " + e.getMessage(), e);
        }
        log.info("Redis at {}", settings.where());
    }

    /** Whether {@code spring.data.redis.*} names a Redis. */
    public boolean configured() {
        return client != null;
    }

    /** Synchronous commands on the shared connection; only when {@link #configured()}. */
    public RedisCommands<String, String> commands() {
        if (connection == null) {
            throw new IllegalStateException("no Redis is configured (spring.data.redis.url)");
        }
        return connection.sync();
    }

    /** Where Redis is, for logs: never the password. */
    public String where() {
        return settings.where();
    }

    /** The client, for connection-state listeners. */
    public RedisClient client() {
        return client;
    }

    /** A connection of its own for SUBSCRIBE, named so that an operator can tell it in CLIENT LIST. */
    public StatefulRedisPubSubConnection<String, String> connectPubSub(String clientName) {
        return client.connectPubSub(StringCodec.UTF8, RedisURI.builder(settings.uri()).withClientName(clientName).build());
    }

    @Override
    public void destroy() {
        if (client != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
