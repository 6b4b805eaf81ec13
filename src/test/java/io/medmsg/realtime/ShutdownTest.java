package io.medmsg.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.medmsg.MedMsgApplication;
import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/** A graceful shutdown answers held polls at once instead of waiting out their 30 seconds. */
class ShutdownTest {

    @Test
    void heldPollsAreAnsweredAtShutdown(@TempDir Path dataDir) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(MedMsgApplication.class)
                .run("--medmsg.data-dir=" + dataDir, "--server.port=0", "--medmsg.auth.hs256-secret=" + Tokens.SECRET);
        Api api = new Api(((WebServerApplicationContext) context).getWebServer().getPort());
        Chat chat = new Chat(api);
        String patient = Tokens.patient("shutdown-p");
        String sessionId = chat.open(patient, "d1001");
        ChangeHub hub = context.getBean(ChangeHub.class);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reply> held = pool.submit(() -> chat.get(Chat.P, "new_msg", patient,
                    "session_id=" + sessionId + "&after_seq=1&wait=30"));
            while (hub.waiting() < 1) {
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            context.close();
            Reply r = held.get(30, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("list").size()).isZero();
            assertThat(millis).isLessThan(10_000);
        }
    }
}
