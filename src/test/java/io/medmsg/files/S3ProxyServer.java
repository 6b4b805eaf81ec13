package io.medmsg.files;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for the tests: s3proxy with jclouds' in-memory ("transient") provider,
 * in a child JVM started from its own self-contained jar (target/s3proxy/s3proxy.jar, put there
 * by the maven-dependency-plugin). On the test classpath its Jetty 11 would be replaced by
 * Spring Boot's managed Jetty 12 and fail, so it gets a JVM of its own.
 */
final class S3ProxyServer {

    static final String ACCESS_KEY = "medmsg-test-access";
    static final String SECRET_KEY = "medmsg-test-secret-0123456789";
    static final String REGION = "us-east-1";

    final String endpoint;
    private final Process process;

    private S3ProxyServer(String endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    static S3ProxyServer start() {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through Maven (./mvnw verify), whose "
                    + "process-test-resources phase copies s3proxy there");
        }
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("medmsg-s3proxy-");
            Path conf = dir.resolve("s3proxy.conf");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=transient",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY, ""));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-jar", jar.toString(),
                    "--properties", conf.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            S3ProxyServer server = new S3ProxyServer("http://127.0.0.1:" + port, process);
            server.awaitPort(port, dir.resolve("s3proxy.log"));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start s3proxy", e);
        }
    }

    S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    void stop() {
        process.destroy();
    }

    private void awaitPort(int port, Path log) throws IOException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("s3proxy did not open port " + port + " within 90 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
