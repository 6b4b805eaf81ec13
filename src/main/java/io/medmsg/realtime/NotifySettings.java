package io.medmsg.realtime;

import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code medmsg.notify.*}: how an instance hears of changes committed by the other instances on
 * the same database. {@code local}: it does not (one instance); {@code postgres}: LISTEN/NOTIFY on
 * the database itself; {@code redis}: Redis pub/sub ({@code spring.data.redis.*}).
 */
@ConfigurationProperties("medmsg.notify")
record NotifySettings(@DefaultValue("local") String type, @DefaultValue("medmsg_changes") String channel) {

    enum Type {
        LOCAL, POSTGRES, REDIS
    }

    NotifySettings {
        type = type == null || type.isBlank() ? "local" : type.strip().toLowerCase(Locale.ROOT);
        if (!type.equals("local") && !type.equals("postgres") && !type.equals("redis")) {
            throw new IllegalStateException("medmsg.notify.type (MEDMSG_NOTIFY_TYPE) must be local, postgres or redis, not " + type);
        }
        // used as a PostgreSQL identifier in LISTEN, so only plain lower-case names
        if (channel == null || !channel.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalStateException("medmsg.notify.channel must be 1-63 characters of a-z, 0-9 and _, not " + channel);
        }
    }

    Type kind() {
        return Type.valueOf(type.toUpperCase(Locale.ROOT));
    }
}
