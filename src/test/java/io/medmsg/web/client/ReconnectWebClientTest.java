package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.Instance;
import io.medmsg.support.Tokens;

/**
 * A server restart under an open web client: the page says it is reconnecting, tries again every
 * few seconds at most, and is live over the event stream (实时) within 5 s of the server answering
 * again, not in the long-poll fallback. The server is an instance of its own in this JVM on SQLite,
 * stopped and started again on the same port and data dir.
 */
@Tag("sqlite-only")
class ReconnectWebClientTest {

    private Instance server;
    private Browser patient;

    @BeforeAll
    static void browserInstalled() {
        Browser.requireInstalled();
    }

    @AfterEach
    void stop() {
        if (patient != null) {
            patient.consoleErrors().stream().filter(e -> e.contains("Uncaught")).forEach(e -> {
                throw new AssertionError("uncaught script error: " + e);
            });
            patient.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void afterARestartTheClientIsLiveAgainWithinFiveSecondsOfTheServerAnswering() throws Exception {
        Path dataDir = Files.createTempDirectory("medmsg-restart-");
        int port = ChildService.freePort();
        String base = "http://127.0.0.1:" + port + "/";
        server = Instance.onSqlite(dataDir, port);
        String patientId = "p" + Long.toString(System.nanoTime(), 36);
        Reply first = new Chat(server.api()).patientSends(Tokens.patient(patientId, "李明"), "d1001", "医生您好，我最近血压偏高。");
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        String sessionId = first.data().get("session_id").asString();

        patient = new Browser("patient", 1280, 800);
        patient.signInAsPatient(base, patientId, "李明", "zh");
        patient.open(base + "#/chat/" + sessionId);
        patient.message("mine", "医生您好，我最近血压偏高。", "sent");
        patient.awaitLive("sse");
        // the page notes the moment it is live again (the test's polling would add its own delay)
        patient.js("window.liveAgainAt = 0; new MutationObserver(() => {"
                + " const el = document.getElementById('live-state');"
                + " if (el && el.dataset.mode === 'sse' && !window.liveAgainAt && window.wentOffline) { window.liveAgainAt = Date.now(); }"
                + " if (el && el.dataset.mode === 'offline' && !window.wentOffline) { window.wentOffline = true; window.offlineText = el.textContent; }"
                + "}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-mode'] });");

        // the server goes away for 12 s: long enough for any back-off to have grown
        server.close();
        server = null;
        patient.awaitLive("offline");
        // what the page said when it went offline: by the time the test reads the element, the
        // client may already be trying again ("连接中")
        assertThat(patient.js("return window.offlineText;")).isEqualTo("已断开，重连中");
        Thread.sleep(12_000);

        // ... and comes back on the same port and data dir; when did it first answer?
        AtomicLong answeredAt = new AtomicLong();
        Thread watcher = Thread.ofVirtual().start(() -> {
            Api api = new Api(port);
            while (answeredAt.get() == 0 && !Thread.currentThread().isInterrupted()) {
                try {
                    if (api.get("/actuator/health", null).status() == 200) {
                        answeredAt.set(System.currentTimeMillis());
                    }
                } catch (IllegalStateException refused) {
                    // not listening yet
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        server = Instance.onSqlite(dataDir, port);
        watcher.join(10_000);
        assertThat(answeredAt.get()).as("the restarted server answered").isPositive();
        patient.awaitLive("sse");
        long liveAt = ((Number) patient.js("return window.liveAgainAt")).longValue();
        long after = liveAt - answeredAt.get();
        System.out.println("live again " + after + " ms after the server answered");
        assertThat(after).as("ms from the server's first answer to 实时").isLessThanOrEqualTo(5000);
        assertThat(patient.el("#live-state").getText()).isEqualTo("实时");

        // and it is live indeed: the doctor's answer arrives without a reload
        Reply answer = new Chat(server.api()).doctorSends(Tokens.doctor("d1001"), sessionId, "请连续三天早晚各测一次血压。");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        patient.message("theirs", "请连续三天早晚各测一次血压。", "sent");
        assertThat(patient.el("#live-state").getDomAttribute("data-mode")).isEqualTo("sse");
    }

}
