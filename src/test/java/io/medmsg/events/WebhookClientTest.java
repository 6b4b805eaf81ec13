package io.medmsg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's HTTP client against real receivers on the loopback: raw {@link ServerSocket}s
 * that answer as the test needs, well or badly (keep-alive, idle connections closed, chunked,
 * close-delimited and oversized answers, no answer, a trickle, a redirect), and https with
 * self-signed certificates made by the JDK's keytool.
 */
class WebhookClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final byte[] BODY = "{\"type\":\"message.created\",\"text\":\"您好\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path certificates;
    /** A certificate for localhost and 127.0.0.1, and one for another host. */
    private static KeyStore localhost;
    private static KeyStore elsewhere;

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        localhost = keyStore("localhost", "SAN=dns:localhost,ip:127.0.0.1");
        elsewhere = keyStore("elsewhere", "SAN=dns:other.example");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void keptAliveOneConnectionCarriesManyRequests() throws Exception {
        Server server = server(plain(), Server::answerOk);
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/hook?x=1"));

        for (int i = 0; i < 20; i++) {
            assertThat(client.post(target, target.request("e" + i, 1_764_740_000L, "v1,sig", BODY))).isEqualTo(200);
        }

        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.requests).hasSize(20);
        String first = server.requests.getFirst();
        assertThat(first).startsWith("POST /hook?x=1 HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n", "\r\ncontent-type: application/json\r\n",
                        "\r\ncontent-length: " + BODY.length + "\r\n", "\r\nuser-agent: MedMsg-Webhooks\r\n",
                        "\r\nwebhook-id: e0\r\n", "\r\nwebhook-timestamp: 1764740000\r\n", "\r\nwebhook-signature: v1,sig\r\n")
                .endsWith("\r\n\r\n" + new String(BODY, StandardCharsets.UTF_8));
    }

    @Test
    void aConnectionTheReceiverClosedWhileIdleIsReplacedAndTheRequestSentOnce() throws Exception {
        // answers keep-alive, then closes the connection 100 ms later, as a receiver's idle timeout does
        Server server = server(plain(), (s, in, out) -> {
            if (Server.read(in) != null) {
                out.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(100);
            }
        });
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/hook"));

        for (int i = 0; i < 3; i++) {
            assertThat(client.post(target, target.request("e" + i, 1L, "v1,sig", BODY))).isEqualTo(200);
            Thread.sleep(400);
        }

        assertThat(server.requests).as("each sent once").hasSize(3);
        assertThat(server.connections.get()).isEqualTo(3);
    }

    @Test
    void chunkedLengthAndCloseDelimitedAnswersAreReadToTheirEnd() throws Exception {
        AtomicInteger n = new AtomicInteger();
        Server server = server(plain(), (s, in, out) -> {
            while (Server.read(in) != null) {
                String answer = switch (n.getAndIncrement() % 3) {
                    case 0 -> "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5;note=x\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: t\r\n\r\n";
                    case 1 -> "HTTP/1.1 201 Created\r\nContent-Length: 12\r\n\r\n{\"ok\":true}\n";
                    default -> "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body ends when the connection does";
                };
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (answer.contains("Connection: close")) {
                    return;
                }
            }
        });
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/"));

        List<Integer> statuses = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(client.post(target, target.request("e" + i, 1L, "v1,sig", BODY)));
        }

        assertThat(statuses).containsExactly(202, 201, 200, 202, 201, 200);
        assertThat(server.requests).hasSize(6);
        assertThat(server.connections.get()).as("a connection kept after chunked and length-delimited answers, "
                + "closed after a close-delimited one").isEqualTo(2);
    }

    @Test
    void anAnswerBodyOverTheCapIsNotReadTheConnectionIsClosedInstead() throws Exception {
        // declares 10 MB, sends 100 KiB and then nothing: reading it would run into the timeout
        Server server = server(plain(), (s, in, out) -> {
            while (Server.read(in) != null) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[100 * 1024]);
                out.flush();
            }
        });
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/"));

        assertTimeoutPreemptively(Duration.ofMillis(1_500), () -> {
            assertThat(client.post(target, target.request("e1", 1L, "v1,sig", BODY))).isEqualTo(200);
            assertThat(client.post(target, target.request("e2", 1L, "v1,sig", BODY))).isEqualTo(200);
        });
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aReceiverThatNeverAnswersIsAnIOExceptionAtTheTimeout() throws Exception {
        Server server = server(plain(), (s, in, out) -> {
            Server.read(in);
            Thread.sleep(60_000);
        });
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/"));

        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(
                () -> client.post(target, target.request("e1", 1L, "v1,sig", BODY))).isInstanceOf(IOException.class));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusMillis(1_000));
    }

    @Test
    void aReceiverTricklingOneByteASecondIsCutAtTheWholeRequestsDeadline() throws Exception {
        Server server = server(plain(), (s, in, out) -> {
            Server.read(in);
            byte[] endless = "HTTP/1.1 200 OK\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    .getBytes(StandardCharsets.US_ASCII);
            for (byte b : endless) {
                out.write(b);
                out.flush();
                Thread.sleep(1_000);
            }
        });
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/"));

        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(6), () -> assertThatThrownBy(
                () -> client.post(target, target.request("e1", 1L, "v1,sig", BODY))).isInstanceOf(IOException.class));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusMillis(1_000));
    }

    @Test
    void aRedirectIsTheAnswerNotFollowed() throws Exception {
        Server server = server(plain(), (s, in, out) -> {
            while (Server.read(in) != null) {
                out.write("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
        WebhookClient client = client(null);
        WebhookClient.Target target = WebhookClient.Target.of(server.url("/hook"));

        assertThat(client.post(target, target.request("e1", 1L, "v1,sig", BODY))).isEqualTo(302);
        Thread.sleep(200);
        assertThat(server.requests).hasSize(1).allMatch(r -> r.startsWith("POST /hook "));
    }

    @Test
    void httpsReachesAReceiverWhoseTrustedCertificateNamesItsHost() throws Exception {
        Server server = server(tls(localhost), Server::answerOk);
        WebhookClient client = client(trusting(localhost));

        for (String host : List.of("localhost", "127.0.0.1")) {
            WebhookClient.Target target = WebhookClient.Target.of("https://" + host + ":" + server.port() + "/hook");
            assertThat(client.post(target, target.request("e1", 1L, "v1,sig", BODY))).isEqualTo(200);
            assertThat(client.post(target, target.request("e2", 1L, "v1,sig", BODY))).isEqualTo(200);
        }

        assertThat(server.requests).hasSize(4).allMatch(r -> r.endsWith(new String(BODY, StandardCharsets.UTF_8)));
        assertThat(server.connections.get()).as("one kept-alive connection per origin").isEqualTo(2);
    }

    @Test
    void httpsRefusesATrustedCertificateThatNamesAnotherHost() throws Exception {
        Server server = server(tls(elsewhere), Server::answerOk);
        WebhookClient client = client(trusting(elsewhere));
        WebhookClient.Target target = WebhookClient.Target.of("https://localhost:" + server.port() + "/hook");

        assertThatThrownBy(() -> client.post(target, target.request("e1", 1L, "v1,sig", BODY)))
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("localhost");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void httpsRefusesACertificateTheJdkDoesNotTrust() throws Exception {
        Server server = server(tls(localhost), Server::answerOk);
        WebhookClient client = new WebhookClient(4, TIMEOUT);
        open.add(client);
        WebhookClient.Target target = WebhookClient.Target.of("https://localhost:" + server.port() + "/hook");

        assertThatThrownBy(() -> client.post(target, target.request("e1", 1L, "v1,sig", BODY)))
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(server.requests).isEmpty();
    }

    private WebhookClient client(SSLContext ssl) {
        WebhookClient client = new WebhookClient(4, TIMEOUT, ssl, WebhookClient.IDLE);
        open.add(client);
        return client;
    }

    private Server server(ServerSocket socket, Server.Conversation conversation) {
        Server server = new Server(socket, conversation);
        open.add(server);
        return server;
    }

    private static ServerSocket plain() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static ServerSocket tls(KeyStore keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A TLS context that trusts the certificate of this key store (and nothing else). */
    private static SSLContext trusting(KeyStore keys) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("receiver", keys.getCertificate(keys.aliases().nextElement()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A self-signed certificate made by the JDK's own keytool, with these subject alternative names. */
    private static KeyStore keyStore(String name, String san) throws Exception {
        Path file = certificates.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }

    /** A receiver on a raw server socket: each connection is one {@link Conversation} on a virtual thread. */
    static final class Server implements AutoCloseable {

        interface Conversation {
            void talk(Socket socket, InputStream in, OutputStream out) throws Exception;
        }

        private final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        /** Every request as it arrived (head and body), in arrival order. */
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private static final ThreadLocal<Server> current = new ThreadLocal<>();

        Server(ServerSocket socket, Conversation conversation) {
            this.socket = socket;
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        accepted.add(s);
                        Thread.ofVirtual().start(() -> {
                            current.set(this);
                            try (s) {
                                conversation.talk(s, s.getInputStream(), s.getOutputStream());
                            } catch (Exception e) {
                                // the client went away, or the test is over
                            }
                        });
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        /** Answers every request of the connection 200 with an empty body, keeping it alive. */
        static void answerOk(Socket s, InputStream in, OutputStream out) throws IOException {
            while (read(in) != null) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        /** Reads one request (recording it), or null when the client closed the connection first. */
        static String read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            if (b < 0) {
                return null;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            String request = text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            current.get().requests.add(request);
            return request;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
