package io.medmsg.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.medmsg.MedMsgApplication;

/**
 * One MedMsg instance in this JVM, on a random port, with a data dir of its own: several of them
 * on one server database are what runs behind a load balancer.
 */
public final class Instance implements AutoCloseable {

    /** Every instance signs file URLs with the same secret, as an operator must configure them. */
    public static final String URL_SECRET = "test-url-secret-of-at-least-thirty-two-bytes-42";

    private final ConfigurableApplicationContext context;
    private final Api api;

    private Instance(ConfigurableApplicationContext context) {
        this.context = context;
        this.api = new Api(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    /** Starts an instance on that database with these extra arguments ({@code --name=value}). */
    public static Instance start(TestDatabase.Fresh db, String... args) {
        List<String> all = new ArrayList<>(List.of("--medmsg.data-dir=" + tempDir(), "--server.port=0",
                "--medmsg.auth.hs256-secret=" + Tokens.SECRET, "--medmsg.storage.url-secret=" + URL_SECRET,
                "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.datasource.hikari.minimum-idle=1"));
        all.addAll(db.args());
        all.addAll(List.of(args));
        return new Instance(new SpringApplicationBuilder(MedMsgApplication.class).run(all.toArray(String[]::new)));
    }

    /**
     * Starts an instance on SQLite in {@code dataDir}, listening on {@code port}: started again
     * with the same two, it is the same server after a restart.
     */
    public static Instance onSqlite(Path dataDir, int port, String... args) {
        List<String> all = new ArrayList<>(List.of("--medmsg.data-dir=" + dataDir, "--server.port=" + port,
                "--medmsg.auth.hs256-secret=" + Tokens.SECRET, "--medmsg.storage.url-secret=" + URL_SECRET));
        all.addAll(List.of(args));
        return new Instance(new SpringApplicationBuilder(MedMsgApplication.class).run(all.toArray(String[]::new)));
    }

    public Api api() {
        return api;
    }

    public Chat chat() {
        return new Chat(api);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    private static Path tempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("medmsg-instance-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
