package io.medmsg.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.Api;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ChildService;
import io.medmsg.support.RedisServer;
import io.medmsg.support.Tokens;

/**
 * The switches an operator sets at run time still switch in the packaged jar started as
 * {@code ./medmsg} starts it: with Spring AOT, whose bean definitions were fixed when the jar was
 * built (with the defaults: demo mode on, local notifications). A {@code @Conditional} bean would
 * keep its build-time answer here, whatever the setting says.
 */
class AotSwitchesIT {

    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final String DEMO_TOKEN = "/demo/token";
    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void demoModeIsOnByDefault() throws Exception {
        try (ChildService service = ChildService.start(dir.resolve("data"), JVM)) {
            assertStartedWithSpringAot(service);
            assertThat(demoToken(service.api()).status()).isEqualTo(200);
            assertThat(demoDoctors(service.api(), 12)).isEqualTo(12);
            assertThat(service.api().get("/v3/api-docs", null).raw()).contains("\"" + DEMO_TOKEN + "\"");
        }
    }

    @Test
    void demoModeOffLeavesNoTokenEndpointAndNoDemoDoctors() throws Exception {
        try (ChildService service = ChildService.start(dir.resolve("data"), JVM, "--medmsg.demo.enabled=false")) {
            assertStartedWithSpringAot(service);
            assertNoDemo(service);
        }
    }

    @Test
    void prodProfileWithRedisNotificationsIsWhatRunsNotTheBuildsDefaults() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ChildService service = ChildService.start(dir.resolve("data"), JVM, "--spring.profiles.active=prod",
                        "--medmsg.notify.type=redis", "--spring.data.redis.url=" + redis.url(),
                        "--medmsg.storage.url-secret=" + "u".repeat(32))) {
            assertStartedWithSpringAot(service);
            String log = Files.readString(service.log());
            assertThat(log).contains("The following 1 profile is active: \"prod\"")
                    .contains("Changes are shared with other instances through the Redis");
            assertNoDemo(service);
        }
    }

    private static void assertStartedWithSpringAot(ChildService service) throws Exception {
        if (Runtime.version().feature() >= 25 && Boolean.parseBoolean(System.getProperty("medmsg.it.aot-cache", "true"))) {
            assertThat(Files.readString(service.log())).contains("Starting AOT-processed MedMsgApplication");
        }
    }

    private static void assertNoDemo(ChildService service) throws Exception {
        Reply token = demoToken(service.api());
        assertThat(token.status()).as("POST /demo/token").isEqualTo(404);
        assertThat(token.msg()).isEqualTo("no such endpoint");
        assertThat(demoDoctors(service.api(), 1)).isZero();
        assertThat(Files.readString(service.log())).doesNotContain("Demo mode is on");
        assertThat(service.api().get("/v3/api-docs", null).raw()).doesNotContain("\"" + DEMO_TOKEN + "\"");
    }

    private static Reply demoToken(Api api) {
        return api.post(DEMO_TOKEN, null, Tokens.body("role", "admin", "user_id", "aot-admin"));
    }

    /**
     * The directory's size, read until it holds {@code expected} doctors or 5 s have passed: the
     * demo doctors are added when the application is ready, about when it first answers healthy.
     */
    private static long demoDoctors(Api api, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Reply r = api.get(DIRECTORY + "?page_size=50", Tokens.patient("aot-patient"));
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            long total = r.data().get("total").asLong();
            if (total >= expected || System.nanoTime() > deadline) {
                return total;
            }
            Thread.sleep(100);
        }
    }
}
