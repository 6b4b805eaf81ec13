package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/**
 * What an event stream holds on the server: while open, no output buffer of Jetty's (a stream stays
 * open for hours); once its client closes it, cleanly or abruptly, nothing: its entry in
 * {@code medmsg_streams_open}, the server's socket descriptor and Jetty's connection are given back.
 * The server runs in this JVM, so its descriptors and buffers are this process's.
 */
class ClosedStreamsTest extends ApiTest {

    private static final int STREAMS = 500;
    /** Descriptors the JVM may open or close meanwhile for reasons of its own (pool connections, jars, logs). */
    private static final int SLACK = 25;
    /** Streams opened to see what open ones hold; each would keep a 32 KB buffer of Jetty's by default. */
    private static final int HELD = 50;

    @DynamicPropertySource
    static void shortHeartbeat(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        // a dead peer is found by the next write; the heartbeat is the write an idle stream makes
        registry.add("medmsg.realtime.heartbeat", () -> "1s");
        // one doctor opens them all: past the per-user cap (5) the oldest would be closed by the server
        registry.add("medmsg.limits.streams-per-user", () -> Integer.toString(STREAMS));
    }

    @Test
    void streamsClosedByTheirClientsReleaseTheirDescriptorsAndTheGauge() throws Exception {
        String doctor = Tokens.doctor(unique("d"));
        // a first request loads what the server loads once, so the baseline is the steady state
        assertThat(api.get(Chat.D + "session_list", doctor).status()).isEqualTo(200);
        double streamsBefore = streamsOpen();
        long descriptorsBefore = descriptors();

        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                sockets.add(openStream(doctor));
            }
            assertThat(streamsOpen()).isEqualTo(streamsBefore + STREAMS);
        } finally {
            for (int i = 0; i < sockets.size(); i++) {
                Socket s = sockets.get(i);
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0); // abrupt: the close sends RST
                }
                s.close();
            }
        }

        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((streamsOpen() > streamsBefore || descriptors() > descriptorsBefore + SLACK) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(streamsOpen()).as("medmsg_streams_open after the clients left").isEqualTo(streamsBefore);
        assertThat(descriptors()).as("open descriptors after the clients left (%d before)", descriptorsBefore)
                .isLessThanOrEqualTo(descriptorsBefore + SLACK);
    }

    @Test
    void openStreamsHoldNoOutputBufferOfTheServer() throws Exception {
        String doctor = Tokens.doctor(unique("d"));
        double streamsBefore = streamsOpen();
        List<Socket> sockets = new ArrayList<>();
        try {
            sockets.add(openStream(doctor));
            long before = directMemory();
            for (int i = 0; i < HELD; i++) {
                sockets.add(openStream(doctor));
            }
            assertThat(directMemory() - before)
                    .as("bytes of direct buffers taken, with %d more streams open", HELD)
                    .isLessThan(HELD * 1024L);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        // gone before the next test counts the open streams
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (streamsOpen() > streamsBefore && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /**
     * Bytes of the JVM's direct buffers: Jetty writes from them, and takes one of its output
     * buffer's size (32 KB) outside its pool, which keeps smaller ones only.
     */
    private static long directMemory() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** Opens a stream on a plain socket and returns once the server has written its "connected" comment. */
    private Socket openStream(String token) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + Chat.D + "events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (seen.indexOf("connected") < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("the stream ended before it was connected: " + seen);
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        }
        assertThat(seen.toString()).startsWith("HTTP/1.1 200 ");
        return socket;
    }

    /** medmsg_streams_open as Prometheus scrapes it. */
    private double streamsOpen() {
        String metrics = api.get("/actuator/prometheus", Tokens.admin("admin-metrics")).raw();
        Matcher m = Pattern.compile("(?m)^medmsg_streams_open(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(m.find()).as("medmsg_streams_open in /actuator/prometheus").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static long descriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
