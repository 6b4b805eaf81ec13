package io.medmsg.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the tests start the packaged service the way {@code ./medmsg} (the README's run command)
 * does: the jar extracted once (Spring Boot's "jarmode tools" layout) and, on JDK 25, the JVM's
 * AOT cache made once per set of JVM options by a training start that stops before serving. A
 * restart then loads its classes from the cache, which is what makes a kill storm of many
 * restarts affordable in every build. As {@code ./medmsg} does, the cached start (and its
 * training) runs with Spring AOT on: the bean definitions the build generated. Without the cache
 * (JDK &lt; 25, or {@code -Dmedmsg.it.aot-cache=false}) it is a plain {@code -jar}, Spring AOT off.
 */
final class AotLaunch {

    private static final Map<List<String>, List<String>> PREPARED = new HashMap<>();

    /** What ./medmsg adds to the cached start: Spring AOT's generated bean definitions. */
    private static final String SPRING_AOT = "-Dspring.aot.enabled=true";

    private AotLaunch() {
    }

    /** The java command up to (and including) the jar, for {@code jvmOptions}, preparing it once. */
    static synchronized List<String> command(String jar, List<String> jvmOptions) throws IOException {
        List<String> prepared = PREPARED.get(jvmOptions);
        if (prepared == null) {
            prepared = prepare(Path.of(jar), jvmOptions);
            PREPARED.put(List.copyOf(jvmOptions), prepared);
        }
        return prepared;
    }

    private static List<String> prepare(Path jar, List<String> jvmOptions) throws IOException {
        List<String> plain = new ArrayList<>(java());
        plain.addAll(jvmOptions);
        plain.addAll(List.of("-jar", jar.toString()));
        if (Runtime.version().feature() < 25 || !Boolean.parseBoolean(System.getProperty("medmsg.it.aot-cache", "true"))) {
            return plain;
        }
        Path app = jar.resolveSibling("it-app");
        Path extracted = app.resolve(jar.getFileName());
        Path cache = app.resolve("medmsg-" + Integer.toHexString(jvmOptions.hashCode()) + ".aot");
        // failsafe runs the ITs in two JVMs: one extracting the jar while the other trains on it
        // made the training fail to open the jar (CI, 2026-12-07), so the JVMs take turns here
        try (FileChannel turn = FileChannel.open(jar.resolveSibling("it-app.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = turn.lock()) {
            if (!Files.exists(extracted) || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(extracted)) > 0) {
                run(app.resolveSibling("it-app-extract.log"), concat(java(), List.of("-Djarmode=tools", "-jar", jar.toString(),
                        "extract", "--force", "--destination", app.toString())));
            }
            if (!Files.exists(cache) || Files.getLastModifiedTime(extracted).compareTo(Files.getLastModifiedTime(cache)) > 0) {
                Path training = Files.createTempDirectory("medmsg-aot-training");
                List<String> train = new ArrayList<>(java());
                train.addAll(jvmOptions);
                train.addAll(List.of(SPRING_AOT, "-XX:AOTCacheOutput=" + cache, "-Dspring.context.exit=onRefresh", "-jar",
                        extracted.toString(), "--medmsg.data-dir=" + training.resolve("data"), "--server.port=0",
                        "--medmsg.auth.hs256-secret=" + Tokens.SECRET));
                run(training.resolveSibling(training.getFileName() + ".log"), train);
            }
        }
        List<String> cached = new ArrayList<>(java());
        cached.addAll(jvmOptions);
        cached.addAll(List.of(SPRING_AOT, "-XX:AOTCache=" + cache, "-jar", extracted.toString()));
        return cached;
    }

    private static List<String> java() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void run(Path log, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("failed (" + String.join(" ", command) + "): " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
