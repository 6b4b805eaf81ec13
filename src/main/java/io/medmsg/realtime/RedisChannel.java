package io.medmsg.realtime;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import io.medmsg.shared.SharedRedis;

/**
 * Redis pub/sub. PUBLISH goes through the shared command connection; SUBSCRIBE holds a connection
 * of its own, which Lettuce reconnects and resubscribes by itself. A lost connection is reported
 * at once; a renewed subscription when Redis confirms it.
 */
final class RedisChannel implements ChangeChannel {

    private final SharedRedis redis;
    private final String channel;
    private StatefulRedisPubSubConnection<String, String> subscription;
    private RedisConnectionStateListener stateListener;

    RedisChannel(SharedRedis redis, String channel) {
        this.redis = redis;
        this.channel = channel;
    }

    @Override
    public void publish(List<String> payloads) {
        RedisCommands<String, String> commands = redis.commands();
        for (String payload : payloads) {
            commands.publish(channel, payload);
        }
    }

    @Override
    public void listen(Receiver receiver, Duration timeout) {
        subscription = redis.connectPubSub("medmsg-listen-" + channel);
        subscription.setTimeout(timeout);
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String payload) {
                receiver.received(payload);
            }

            @Override
            public void subscribed(String to, long count) {
                receiver.connected();
            }
        });
        stateListener = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == subscription) {
                    receiver.disconnected("the Redis subscription connection was lost");
                }
            }
        };
        redis.client().addListener(stateListener);
        subscription.sync().subscribe(channel);
    }

    @Override
    public String describe() {
        return "Redis channel " + channel + " at " + redis.where();
    }

    @Override
    public void close() {
        if (stateListener != null) {
            redis.client().removeListener(stateListener);
        }
        if (subscription != null) {
            subscription.close();
        }
    }
}
