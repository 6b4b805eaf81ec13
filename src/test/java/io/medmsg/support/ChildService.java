package io.medmsg.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged service as a child process, the way an operator runs it with {@code ./medmsg}: the
 * extracted jar with the JVM's AOT cache ({@link AotLaunch}).
 * The output goes to a file in the data dir, so a failing test can show it.
 */
public final class ChildService implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;
    private final long startedNanos = System.nanoTime();
    private Duration startup;

    private ChildService(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ChildService start(Path dataDir, List<String> jvmOptions, String... args) throws IOException {
        String jar = System.getProperty("medmsg.jar");
        if (jar == null) {
            throw new IllegalStateException("medmsg.jar is not set: run this test with failsafe (./mvnw verify)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(AotLaunch.command(jar, jvmOptions));
        command.addAll(List.of("--medmsg.data-dir=" + dataDir, "--server.port=" + port,
                "--medmsg.auth.hs256-secret=" + Tokens.SECRET));
        command.addAll(List.of(args));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + port + ".log");
        return launch(new ProcessBuilder(command), port, log);
    }

    /**
     * Another way of running the service (the container image's entrypoint, say) that listens on
     * {@code port}: started with its output in {@code log}, returned once it is healthy.
     */
    public static ChildService launch(ProcessBuilder command, int port, Path log) throws IOException {
        Process process = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildService child = new ChildService(process, port, log);
        try {
            // generous: with other builds on a 2-core machine a start took over 90 s
            child.awaitHealthy(Duration.ofSeconds(180));
        } catch (IOException | RuntimeException notHealthy) {
            // nobody else holds it: a process left running would hold its port and data dir
            process.destroyForcibly();
            throw notHealthy;
        }
        return child;
    }

    public Path log() {
        return log;
    }

    public Api api() {
        return new Api(port);
    }

    /** From launching java to the first healthy answer. */
    public Duration startup() {
        return startup;
    }

    public Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Api api = api();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited: " + java.nio.file.Files.readString(log));
            }
            try {
                if (api.get("/actuator/health", null).status() == 200) {
                    startup = Duration.ofNanos(System.nanoTime() - startedNanos);
                    return;
                }
            } catch (IllegalStateException notYet) {
                // connection refused while starting
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the service did not become healthy: " + java.nio.file.Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
