package io.medmsg.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

import io.medmsg.MedMsgApplication;
import io.medmsg.support.Tokens;

/** Impossible notification settings stop the service at start-up with a message naming the fix. */
class NotifySettingsTest {

    @TempDir
    Path dataDir;

    private void start(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--medmsg.data-dir=" + dataDir;
        all[1] = "--server.port=0";
        all[2] = "--medmsg.auth.hs256-secret=" + Tokens.SECRET;
        // several instances need one URL secret (FilesConfig); given, so that the notify checks speak
        all[3] = "--medmsg.storage.url-secret=" + io.medmsg.support.Instance.URL_SECRET;
        System.arraycopy(args, 0, all, 4, args.length);
        new SpringApplicationBuilder(MedMsgApplication.class).run(all).close();
    }

    /** Every message of the cause chain: the one that names the setting is somewhere in it. */
    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void postgresNotificationsNeedAPostgresDatabase() {
        assertThatThrownBy(() -> start("--medmsg.notify.type=postgres"))
                .satisfies(e -> assertThat(rootMessage(e)).contains("medmsg.notify.type=postgres needs a PostgreSQL database")
                        .contains("unset (SQLite)"));
    }

    @Test
    void redisNotificationsNeedARedis() {
        assertThatThrownBy(() -> start("--medmsg.notify.type=redis"))
                .satisfies(e -> assertThat(rootMessage(e)).contains("medmsg.notify.type=redis needs a Redis")
                        .contains("spring.data.redis.url"));
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertThatThrownBy(() -> start("--medmsg.notify.type=kafka"))
                .satisfies(e -> assertThat(rootMessage(e)).contains("must be local, postgres or redis, not kafka"));
    }

    @Test
    void aRedisThatCannotBeReachedIsRefused() {
        assertThatThrownBy(() -> start("--spring.data.redis.url=redis://127.0.0.1:1"))
                .satisfies(e -> assertThat(rootMessage(e)).contains("Cannot connect to Redis at redis://127.0.0.1:1/0"));
    }

    @Test
    void aRedisUrlMustBeARedisUrl() {
        assertThatThrownBy(() -> start("--spring.data.redis.url=http://127.0.0.1:6379"))
                .satisfies(e -> assertThat(rootMessage(e)).contains("must be a redis:// or rediss:// URL"));
    }
}
